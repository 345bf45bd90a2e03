"""Short texts rendered from an Analysis: the classifier-only summary and disagreement notes.

Shared by the CLI, notifications and reports, so every surface words a result the same way.
"""

from __future__ import annotations

import re

from ..result import Analysis, Face, fallback_summary, top_label


def classifier_label(face: Face) -> tuple[str, float]:
    label = top_label(face.probabilities)
    return label, face.probabilities[label]


def disagreement(face: Face) -> str | None:
    """ "classifier: anger 62% · model: disgust" when the two sources differ, else None."""
    if face.agreement != "disagree":
        return None
    label, p = classifier_label(face)
    return f"classifier: {label} {p:.0%} · model: {face.model_expression}"


def profile_note(face: Face) -> str | None:
    """ "general: sadness 51% · yours: neutral 70%" when an expression profile changed the label."""
    if face.base_expression is None or face.base_expression == face.expression:
        return None
    general = f"general: {face.base_expression} {face.base_confidence or 0:.0%}"
    return f"{general} · yours: {face.expression} {face.confidence:.0%}"


def geometry_note(face: Face) -> str | None:
    """ "head yaw -12°, pitch +3°, roll +2°; eyes open 0.74 (left) 0.71 (right); mouth open 0.05"."""
    if face.head_pose is None or face.eyes_open is None:
        return None
    pose = ", ".join(f"{axis} {round(angle):+d}°" for axis, angle in face.head_pose.items())
    eyes = f"eyes open {face.eyes_open['left']:.2f} (left) {face.eyes_open['right']:.2f} (right)"
    return f"head {pose}; {eyes}; mouth open {face.mouth_open:.2f}"


def notification_title(analysis: Analysis) -> str:
    """ "Happiness 87% · 2 faces" (the largest face's reading)."""
    if analysis.error:
        return "Could not analyse the capture"
    if not analysis.faces:
        return "No face found"
    face = analysis.faces[0]
    count = len(analysis.faces)
    return f"{face.expression.capitalize()} {face.confidence:.0%} · {count} face{'s' if count > 1 else ''}"


def short_reason(reason: str, limit: int = 60) -> str:
    """The gist of a fallback reason: "Ollama is not reachable at …: start it" -> its first clause."""
    gist = re.sub(r" at https?://\S+?(?=:?\s|:?$)", "", reason)
    for mark in (": ", "; ", " ("):
        gist = gist.split(mark, 1)[0]
    gist = gist.strip()
    return gist if len(gist) <= limit else gist[: limit - 1] + "…"


def notification_body(analysis: Analysis, limit: int = 250) -> str:
    """The summary, then each face's label; at most `limit` characters."""
    if analysis.error:
        return analysis.error[:limit]
    if not analysis.faces:
        return "Try a larger region or a sharper, more frontal view of the face."[:limit]
    description = analysis.description
    summary = description.summary if description else fallback_summary(analysis)
    lines = [summary]
    if description and description.status == "ok":
        lines += [f"#{i}: {f.expression} {f.confidence:.0%}" for i, f in enumerate(analysis.faces[:4], start=1)]
        lines += [note for note in map(disagreement, analysis.faces) if note]
    elif description and description.reason:  # asked for, not given: say so briefly
        lines.append(f"(no description: {short_reason(description.reason)})")
    lines += [note for note in map(profile_note, analysis.faces[:1]) if note]
    body = "\n".join(lines)
    return body if len(body) <= limit else body[: limit - 1] + "…"


def analysis_lines(analysis: Analysis) -> str:
    """The CLI's text for one analysis: a line for the image (or frame), one per face with its
    notes and cues, one for the description. Empty for a failed input (errors go to stderr)."""
    if analysis.error:
        return ""
    count = len(analysis.faces)
    noun = "face" if count == 1 else "faces"
    ms = analysis.timings_ms.get("total", 0)
    where = analysis.source if analysis.frame is None else f"{analysis.source} @ {analysis.time_s:.2f} s"
    lines = [f"{where}: {count} {noun} ({analysis.width}x{analysis.height}, {ms:.0f} ms)"]
    for index, face in enumerate(analysis.faces, start=1):
        compound = f", {face.compound}" if face.compound else ""
        runner_up, p = sorted(face.probabilities.items(), key=lambda kv: kv[1])[-2]
        runner_up = f"; next {runner_up} {p:.0%}" if p >= 0.05 else ""
        who = f"#{index}" if face.track is None else f"#{index} (track {face.track})"
        lines.append(
            f"  {who} {face.expression} {face.confidence:.0%} ({face.intensity} intensity{compound})"
            f"{runner_up}; valence {face.valence:+.2f}, arousal {face.arousal:+.2f}; box {face.box}"
        )
        lines += [f"     {note}" for note in (disagreement(face), profile_note(face), geometry_note(face)) if note]
        if face.cues:
            lines.append(f"     cues: {', '.join(face.cues)}")
    description = analysis.description
    if description and description.status == "ok":
        context = f" Context: {description.context}" if description.context else ""
        lines.append(f"  {description.model}: {description.summary}{context}")
    elif description:
        lines.append(f"  {description.summary} (no description: {description.reason})")
    return "\n".join(lines) + "\n"
