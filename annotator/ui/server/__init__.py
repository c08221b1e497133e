"""The window's link to a lab server: change notices from other coders, and the queue of
actions kept while the server is away."""
