"""What a rendered page hands the browser, read back the way the browser reads it."""

from __future__ import annotations

import json


def rendered_chart(content: str, script_id: str = "chart-data") -> dict:
    """The figure as chart.js reads it: the JSON inside the json_script element."""
    start = content.index(f'<script id="{script_id}" type="application/json">')
    body = content[content.index(">", start) + 1 : content.index("</script>", start)]
    return json.loads(body)


def assert_keeps_data_on_the_page(config: dict) -> None:
    """The chart's toolbar offers zoom, pan, reset and a PNG, and nothing that sends it away."""
    buttons = [name for group in config["modeBarButtons"] for name in group]
    assert buttons == ["zoom2d", "pan2d", "zoomIn2d", "zoomOut2d", "resetScale2d", "toImage"]
    assert config["showSendToCloud"] is False
    assert config["plotlyServerURL"] == ""
    assert config["showEditInChartStudio"] is False
    assert config["showLink"] is False
    assert config["displaylogo"] is False
