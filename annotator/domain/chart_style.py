"""The look every chart shares, on screen, in saved PNG/SVG and in the HTML agreement
report: Okabe & Ito's colours (told apart with every common colour-vision deficiency),
dark grey ink, light grid lines at round values, a white ground."""

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000")
BACKGROUND = "#ffffff"
INK = "#333333"
GRID = "#e3e3e3"
FONT_FAMILY = "sans-serif"
FONT_SIZE = 12  # px in SVG, points on screen

# agreement bars: Krippendorff's (2004) lines of ≥ .800 (rely on it) and ≥ .667 (tentative)
GOOD, TENTATIVE, POOR = "#009E73", "#E69F00", "#D55E00"
