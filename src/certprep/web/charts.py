"""Small server-side SVG charts (no JavaScript library, nothing to download)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from certprep.services.progress import ExamPoint

WIDTH, HEIGHT, PAD = 640, 240, 36


def score_chart(points: Sequence[ExamPoint], low: int, high: int, cut: int) -> str:
    """A line chart of scaled scores with the passing line; empty string when no exams yet."""
    if not points:
        return ""

    def x(i: int) -> float:
        return PAD + (WIDTH - 2 * PAD) * (i / max(1, len(points) - 1) if len(points) > 1 else 0.5)

    def y(score: float) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * (score - low) / (high - low)

    path = " ".join(
        f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(p.scaled):.1f}" for i, p in enumerate(points)
    )
    dots = "".join(
        f'<circle cx="{x(i):.1f}" cy="{y(p.scaled):.1f}" r="4" class="{"pass" if p.passed else "fail"}">'
        f"<title>{escape(p.at.strftime('%Y-%m-%d'))}: {p.scaled}</title></circle>"
        for i, p in enumerate(points)
    )
    grid = "".join(
        f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>'
        f'<text x="4" y="{y(v) + 4:.1f}" class="axis">{v}</text>'
        for v in (low, 500, cut, high)
    )
    return (
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="Scaled score of each practice exam, '
        f'passing score {cut}" class="chart">{grid}'
        f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{y(cut):.1f}" y2="{y(cut):.1f}" class="cut"/>'
        f'<path d="{path}" class="line"/>{dots}</svg>'
    )
