"""What the PNG child process runs (figure_png): resvg, and nothing of the service, so the
child starts in a tenth of a second and holds little memory."""


def rasterise(svg: str, width: int, height: int) -> bytes:
    """The SVG drawn to exactly `width` × `height` pixels."""
    import resvg_py  # the service's dependency only: kpi_api.web loads without it

    return bytes(resvg_py.svg_to_bytes(svg_string=svg, width=width, height=height))
