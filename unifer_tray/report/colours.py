"""One colour per expression, the same in every chart (dashboard, timelines, the live view)."""

COLOURS = {
    "neutral": "#9e9e9e",
    "happiness": "#ffc400",
    "sadness": "#4f7fd9",
    "surprise": "#ff8a3d",
    "fear": "#8e5bd1",
    "disgust": "#5aa469",
    "anger": "#e04848",
}
