"""The crisis flow as a graph: decision points, options as labelled arrows, endings.

Nodes are laid out top to bottom by their distance from the start; options
are arrows coloured by kind (several options to the same place share one
arrow, labelled with all their ids); every ``next: end`` leads to one
"game ends" point, from which the endings fan out with their conditions.
The start is blue, endings are pills in their tone's colour, and lint's
verdicts show on the nodes: unreachable nodes are grey and dashed, dead ends
and endings that are never reached are outlined in red with a badge.

Clicking a node or ending emits ``activated(kind, id)``; the Studio jumps to
its text. :meth:`FlowGraphView.set_scenario` can be called after every edit:
positions are kept for nodes that stay, so the picture does not jump.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from game.vocabulary import OPTION_KINDS

KIND_COLORS: dict[str, str] = {k.id: k.colour for k in OPTION_KINDS.values()}
TONE_COLORS = {"good": "#2e7d32", "mixed": "#b7790f", "bad": "#c62828"}
END_ID = "__end__"

NODE_W, NODE_H = 190.0, 54.0
COL_GAP, ROW_GAP = 40.0, 92.0


@dataclass
class GraphFlags:
    """Lint verdicts shown on the graph."""

    unreachable: frozenset[str] = frozenset()
    dead_ends: frozenset[str] = frozenset()
    unreached_endings: frozenset[str] = frozenset()


def _elide(text: str, font: QFont, width: float) -> str:
    metrics = QFontMetricsF(font)
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)


class NodeItem(QGraphicsObject):
    """A decision point, the "game ends" point, or an ending."""

    def __init__(self, kind: str, ident: str, title: str, *, start: bool = False,
                 tone: str = "mixed", note: str = "", flag: str = "") -> None:
        super().__init__()
        self.kind = kind  # node | end | ending
        self.ident = ident
        self.title = title
        self.start = start
        self.tone = tone
        self.note = note
        self.flag = flag  # unreachable | dead-end | never-reached | ""
        self.width = NODE_W if kind != "end" else 110.0
        self.height = NODE_H if kind != "end" else 40.0
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setZValue(3)  # above arrows and their labels
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAcceptHoverEvents(True)
        tip = f"{title}\n{ident}" if kind != "end" else "The game ends; the first ending whose " \
                                                         "condition holds is chosen"
        if note:
            tip += f"\n{note}"
        if flag:
            tip += "\n" + {"unreachable": "⚠ Unreachable: no play gets here",
                           "dead-end": "⚠ Dead end: no way from here to an ending",
                           "never-reached": "⚠ This ending is never reached"}.get(flag, flag)
        if kind != "end":
            tip += "\n(click to show its text)"
        self.setToolTip(tip)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return QRectF(-4, -14, self.width + 8, self.height + 18)

    def shape_rect(self) -> QRectF:
        """The node's body in item coordinates."""
        return QRectF(0, 0, self.width, self.height)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.shape_rect()
        selected = self.isSelected()
        text_color = QColor("#1b2230")
        if self.kind == "ending":
            color = QColor(TONE_COLORS.get(self.tone, TONE_COLORS["mixed"]))
            fill = QColor(color)
            fill.setAlpha(40)
            pen = QPen(color, 2.4 if selected else 1.6)
            radius = self.height / 2
        elif self.kind == "end":
            fill = QColor("#37404d")
            pen = QPen(QColor("#37404d"), 1.5)
            radius = self.height / 2
            text_color = QColor("white")
        else:
            if self.start:
                fill = QColor("#1f5fbf")
                pen = QPen(QColor("#123e80"), 2.4 if selected else 1.6)
                text_color = QColor("white")
            else:
                fill = QColor("#ffffff")
                pen = QPen(QColor("#7b8696"), 2.4 if selected else 1.3)
            radius = 9.0
        if self.flag == "unreachable":
            fill = QColor("#eceff3")
            pen = QPen(QColor("#8d96a3"), 1.6, Qt.PenStyle.DashLine)
            text_color = QColor("#6b7685")
        elif self.flag in ("dead-end", "never-reached"):
            pen = QPen(QColor("#c62828"), 3.0, Qt.PenStyle.DashLine
                       if self.flag == "never-reached" else Qt.PenStyle.SolidLine)
        if selected:
            glow = QPen(QColor(47, 123, 240, 120), 7)
            painter.setPen(glow)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect, radius, radius)
        painter.setPen(pen)
        painter.setBrush(QBrush(fill))
        painter.drawRoundedRect(rect, radius, radius)
        title_font = QFont(painter.font())
        title_font.setPointSizeF(9.5)
        title_font.setBold(True)
        id_font = QFont(painter.font())
        id_font.setPointSizeF(8.0)
        painter.setPen(text_color)
        if self.kind == "end":
            painter.setFont(title_font)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "Game ends")
        else:
            inner = rect.adjusted(10, 6, -10, -6)
            painter.setFont(title_font)
            painter.drawText(QRectF(inner.left(), inner.top(), inner.width(), 18),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             _elide(self.title, title_font, inner.width()))
            painter.setFont(id_font)
            sub = self.ident if not self.note else f"{self.ident} · {self.note}"
            painter.drawText(QRectF(inner.left(), inner.top() + 20, inner.width(), 16),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             _elide(sub, id_font, inner.width()))
        badge = {"unreachable": "UNREACHABLE", "dead-end": "DEAD END",
                 "never-reached": "NEVER REACHED"}.get(self.flag, "START" if self.start else "")
        if badge:
            badge_font = QFont(painter.font())
            badge_font.setPointSizeF(7.0)
            badge_font.setBold(True)
            metrics = QFontMetricsF(badge_font)
            w = metrics.horizontalAdvance(badge) + 10
            box = QRectF(rect.right() - w - 6, -9, w, 15)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#123e80") if badge == "START" else QColor("#c62828")
                             if self.flag != "unreachable" else QColor("#6b7685"))
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(QColor("white"))
            painter.setFont(badge_font)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, badge)

    def top(self) -> QPointF:
        """Where arrows arrive."""
        return self.mapToScene(QPointF(self.width / 2, 0))

    def bottom(self) -> QPointF:
        """Where arrows leave."""
        return self.mapToScene(QPointF(self.width / 2, self.height))

    def side(self) -> QPointF:
        """Where loops back leave and arrive (the right edge)."""
        return self.mapToScene(QPointF(self.width, self.height / 2))


class EdgeItem(QGraphicsPathItem):
    """Options from one node to another: a curved arrow with a label."""

    def __init__(self, source: NodeItem, target: NodeItem, options: list[tuple[str, str, str]],
                 *, dashed: bool = False, text: str | None = None,
                 label_at: float = 0.5) -> None:
        super().__init__()
        self.label_at = label_at
        self.source = source
        self.target = target
        self.options = options  # (id, kind, label)
        kinds = {k for _, k, _ in options}
        color = QColor(KIND_COLORS.get(next(iter(kinds)), "#6b7685")) if len(kinds) == 1 \
            else QColor("#5b6472")
        self.color = color
        pen = QPen(color, 1.8, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self.setPen(pen)
        self.setZValue(-1)
        words = text if text is not None else ", ".join(i for i, _, _ in options)
        if len(words) > 46:
            words = words[:45].rstrip(", ") + "…"
        self.label = QGraphicsSimpleTextItem(words)
        font = QFont()
        font.setPointSizeF(8.0)
        self.label.setFont(font)
        self.label.setBrush(QBrush(color.darker(125)))
        self.label.setZValue(2)
        tips = "\n".join(f"{i} ({k}): {lbl}" for i, k, lbl in options) if options else words
        self.setToolTip(tips)
        self.label.setToolTip(tips)
        self.arrow = QPolygonF()
        self.update_path()

    def update_path(self) -> None:
        """Recompute the curve from the nodes' positions."""
        a, b = self.source.bottom(), self.target.top()
        if b.y() > a.y() + 10:
            path = QPainterPath(a)
            dy = (b.y() - a.y()) * 0.5
            path.cubicTo(QPointF(a.x(), a.y() + dy), QPointF(b.x(), b.y() - dy), b)
            # Labels sit nearer the target, so arrows fanning out of one node
            # do not stack their labels on top of each other.
            mid = path.pointAtPercent(0.5 if abs(b.x() - a.x()) < 20 else self.label_at)
        else:
            # A loop back up: leave on the right, swing out to the right, come down on top.
            a = self.source.side()
            out = max(a.x(), self.target.side().x()) + 70
            path = QPainterPath(a)
            path.cubicTo(QPointF(out, a.y()), QPointF(out, b.y() - 60), QPointF(b.x() + 40,
                                                                              b.y() - 40))
            path.quadTo(QPointF(b.x(), b.y() - 30), b)
            mid = QPointF(out - 10, (a.y() + b.y()) / 2)
        self.setPath(path)
        angle = path.angleAtPercent(1.0)
        self.arrow = _arrow_head(b, angle)
        self.loop = not b.y() > a.y() + 10
        self.put_label(mid)

    def put_label(self, point: QPointF) -> None:
        """Centre the label just above ``point``."""
        rect = self.label.boundingRect()
        self.label.setPos(point.x() - rect.width() / 2, point.y() - rect.height() - 1)

    def label_spots(self) -> list[QPointF]:
        """Where the label may go, best first: along the curve, away from the ends."""
        path = self.path()
        if self.loop:
            first = self.label.pos() + QPointF(self.label.boundingRect().width() / 2,
                                               self.label.boundingRect().height() + 1)
            return [first + QPointF(0, dy) for dy in (0, 24, -24, 48, -48, 72, -72)]
        at = self.label_at
        spots = [at] + [at + d for d in (-0.15, 0.15, -0.25, 0.25, -0.35, 0.35)]
        return [path.pointAtPercent(t) for t in spots if 0.12 <= t <= 0.88]

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(8)
        return stroker.createStroke(self.path())

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return super().boundingRect().united(self.arrow.boundingRect()).adjusted(-2, -2, 2, 2)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        super().paint(painter, option, widget)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.color)
        painter.drawPolygon(self.arrow)


def _arrow_head(tip: QPointF, angle_deg: float) -> QPolygonF:
    import math

    rad = math.radians(angle_deg)
    back = QPointF(-math.cos(rad), math.sin(rad))
    side = QPointF(-back.y(), back.x())
    size = 9.0
    base = tip + back * size
    return QPolygonF([tip, base + side * (size * 0.45), base - side * (size * 0.45)])


class FlowGraphView(QGraphicsView):
    """Shows a compiled scenario's flow; click a node to jump to its text.

    Signals:
        activated(kind, ident): ``kind`` is ``node`` or ``ending``.
    """

    activated = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("flowGraph")
        self.setAccessibleName("Flow graph")
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing
                            | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(QColor("#f6f7fa"))
        self.nodes: dict[str, NodeItem] = {}
        self.endings: dict[str, NodeItem] = {}
        self.edges: list[EdgeItem] = []
        self._positions: dict[str, QPointF] = {}
        self._signature: object = None
        self._fitted = False
        self._mode = "fit"  # fit | all | manual (the user zoomed): kept on resize
        self._backs: list[QGraphicsPathItem] = []

    # --- building ---
    def set_scenario(self, scenario: object, flags: GraphFlags | None = None) -> None:
        """Show a compiled scenario (``CompiledScenario``) with lint verdicts."""
        flags = flags or GraphFlags()
        model = scenario.model  # type: ignore[attr-defined]
        signature = (model.model_dump_json(), flags.unreachable, flags.dead_ends,
                     flags.unreached_endings)
        if signature == self._signature:
            return
        self._signature = signature
        scene = self.scene()
        for item in list(self.nodes.values()) + list(self.endings.values()):
            self._positions[self._key(item)] = item.pos()
        scene.clear()
        self.nodes.clear()
        self.endings.clear()
        self.edges.clear()
        start = model.start or model.nodes[0].id
        for node in model.nodes:
            flag = ("unreachable" if node.id in flags.unreachable else
                    "dead-end" if node.id in flags.dead_ends else "")
            item = NodeItem("node", node.id, node.title, start=node.id == start, flag=flag,
                            note=f"{len(node.decision.options)} options")
            scene.addItem(item)
            self.nodes[node.id] = item
        end_item = NodeItem("end", END_ID, "Game ends")
        scene.addItem(end_item)
        for ending in model.endings:
            note = "any turn" if ending.early else ("fallback" if ending.when is None else "")
            item = NodeItem("ending", ending.id, ending.title, tone=ending.tone, note=note,
                            flag="never-reached" if ending.id in flags.unreached_endings else "")
            scene.addItem(item)
            self.endings[ending.id] = item
        self._layout(model, start, end_item)
        grouped: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
        for node in model.nodes:
            for option in node.decision.options:
                targets = [option.next] if isinstance(option.next, str) else \
                    [b.goto for b in option.next]
                for target in dict.fromkeys(targets):
                    key = (node.id, END_ID if target == "end" else target)
                    grouped.setdefault(key, []).append((option.id, option.kind, option.label))
        outs: dict[str, int] = {}
        ins: dict[str, int] = {}
        for src, dst in grouped:
            outs[src] = outs.get(src, 0) + 1
            ins[dst] = ins.get(dst, 0) + 1
        for (src, dst), options in grouped.items():
            target = end_item if dst == END_ID else self.nodes.get(dst)
            if target is None:
                continue
            fan_out, fan_in = outs[src] > 1, ins[dst] > 1
            at = 0.5 if fan_out == fan_in else (0.7 if fan_out else 0.3)
            self._add_edge(EdgeItem(self.nodes[src], target, options, label_at=at))
        for ending in model.endings:
            if ending.early:
                continue
            text = "otherwise" if ending.when is None else _short(ending.when, 34)
            self._add_edge(EdgeItem(end_item, self.endings[ending.id], [], dashed=True,
                                    text=text, label_at=0.78))
        self._place_labels()
        rect = scene.itemsBoundingRect().adjusted(-40, -40, 40, 40)
        scene.setSceneRect(rect)
        if not self._fitted:
            self.fit()
        elif self._mode != "manual":
            self._apply_mode()

    def _add_edge(self, edge: EdgeItem) -> None:
        self.scene().addItem(edge)
        self.scene().addItem(edge.label)
        self.edges.append(edge)

    def _place_labels(self) -> None:
        """Move labels along their arrows until none covers another label or a node.

        Where the flow branches, arrows leave one node side by side and their
        labels, all at the same height, would stack into one unreadable block.
        """
        taken = [item.sceneBoundingRect() for item in (*self.nodes.values(),
                                                         *self.endings.values())]
        for edge in sorted(self.edges, key=lambda e: e.label.sceneBoundingRect().top()):
            spots = edge.label_spots()
            for spot in spots:
                edge.put_label(spot)
                rect = edge.label.sceneBoundingRect().adjusted(-3, -1, 3, 1)
                if not any(rect.intersects(other) for other in taken):
                    break
            else:  # nowhere free: the first spot, lifted clear of the labels placed so far
                edge.put_label(spots[0])
                rect = edge.label.sceneBoundingRect().adjusted(-3, -1, 3, 1)
                while any(rect.intersects(other) for other in taken):
                    edge.label.moveBy(0, -(rect.height() + 2))
                    rect = edge.label.sceneBoundingRect().adjusted(-3, -1, 3, 1)
            taken.append(rect)
        for edge in self.edges:
            back = QGraphicsPathItem()
            rect = edge.label.sceneBoundingRect().adjusted(-3, -1, 3, 1)
            path = QPainterPath()
            path.addRoundedRect(rect, 3, 3)
            back.setPath(path)
            back.setBrush(QColor(246, 247, 250, 225))
            back.setPen(Qt.PenStyle.NoPen)
            back.setZValue(1)
            self.scene().addItem(back)

    def label_overlaps(self) -> list[tuple[str, str]]:
        """Pairs of arrow labels that cover each other (tests; should be none)."""
        rects = [(e.label.text(), e.label.sceneBoundingRect()) for e in self.edges]
        return [(a, b) for i, (a, ra) in enumerate(rects) for b, rb in rects[i + 1:]
                if ra.intersects(rb)]

    @staticmethod
    def _key(item: NodeItem) -> str:
        return f"{item.kind}:{item.ident}"

    def _layout(self, model: object, start: str, end_item: NodeItem) -> None:
        nodes = list(model.nodes)  # type: ignore[attr-defined]
        succ: dict[str, list[str]] = {n.id: [] for n in nodes}
        for n in nodes:
            for o in n.decision.options:
                targets = [o.next] if isinstance(o.next, str) else [b.goto for b in o.next]
                succ[n.id].extend(t for t in targets if t in succ)
        rank = _longest_path_ranks(start, succ)
        max_rank = max(rank.values(), default=0)
        orphans = [n.id for n in nodes if n.id not in rank]
        columns: dict[int, list[str]] = {}
        order = {n.id: i for i, n in enumerate(nodes)}
        for node_id, r in rank.items():
            columns.setdefault(r, []).append(node_id)
        # Barycentre ordering: place each node near its predecessors.
        position: dict[str, float] = {}
        for r in sorted(columns):
            col = columns[r]
            if r == 0:
                col.sort(key=lambda n: order[n])
            else:
                def bary(n: str) -> float:
                    preds = [position[p] for p in position if n in succ.get(p, ())]
                    return sum(preds) / len(preds) if preds else float(order[n])

                col.sort(key=lambda n: (bary(n), order[n]))
            for i, n in enumerate(col):
                position[n] = float(i)
        end_col = max_rank + 1
        if orphans:
            columns.setdefault(end_col, []).extend(sorted(orphans, key=lambda n: order[n]))
            end_col += 1
        widest = max((len(c) for c in columns.values()), default=1)
        widest = max(widest, len(self.endings))
        total_w = widest * (NODE_W + COL_GAP)

        def place(item: NodeItem, row: int, index: int, count: int) -> None:
            saved = self._positions.get(self._key(item))
            if saved is not None:
                item.setPos(saved)
                return
            y = row * (NODE_H + ROW_GAP)
            block = count * (NODE_W + COL_GAP)
            x = (total_w - block) / 2 + index * (NODE_W + COL_GAP)
            item.setPos(x, y)

        for col_index, ids in columns.items():
            for i, n in enumerate(ids):
                place(self.nodes[n], col_index, i, len(ids))
        place(end_item, end_col, 0, 1)
        if self._key(end_item) not in self._positions:
            end_item.setPos(total_w / 2 - end_item.width / 2 - COL_GAP / 2, end_item.pos().y())
        ends = list(self.endings.values())
        for i, item in enumerate(ends):
            place(item, end_col + 1, i, len(ends))

    # --- interaction ---
    def fit(self) -> None:
        """Show the whole flow, never larger than its actual size (the Fit button)."""
        self._mode = "fit"
        self._fitted = True
        self._apply_mode()

    def fit_all(self) -> None:
        """Show the whole flow as large as the pane allows (the All button)."""
        self._mode = "all"
        self._fitted = True
        self._apply_mode()

    def _apply_mode(self) -> None:
        rect = self.scene().sceneRect()
        if rect.isEmpty() or self.viewport().width() < 50 or self._mode == "manual":
            return
        # fitInView's scale, computed for the viewport without scroll bars: once the
        # whole flow fits, they go, and the scale must not depend on whether they were there.
        margin = 8
        width = max(1, self.width() - 2 * self.frameWidth() - margin)
        height = max(1, self.height() - 2 * self.frameWidth() - margin)
        scale = min(width / rect.width(), height / rect.height())
        if self._mode == "fit":
            scale = min(1.0, scale)
        self.resetTransform()
        self.scale(scale, scale)
        self.centerOn(rect.center())

    def whole_flow_visible(self) -> bool:
        """Every node, ending and arrow label is inside the view (tests)."""
        shown = self.mapToScene(self.viewport().rect()).boundingRect().adjusted(-1, -1, 1, 1)
        items = [*self.nodes.values(), *self.endings.values(), *(e.label for e in self.edges)]
        return all(shown.contains(item.sceneBoundingRect()) for item in items)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self._mode != "manual":
            self._apply_mode()

    def zoom(self, factor: float) -> None:
        """Zoom in (factor > 1) or out, within 5%–300%."""
        self._mode = "manual"
        scale = self.transform().m11() * factor
        if 0.05 <= scale <= 3.0:
            self.scale(factor, factor)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.15 if event.angleDelta().y() > 0 else 1 / 1.15)
            event.accept()
            return
        super().wheelEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        item = self.itemAt(event.position().toPoint())
        while item is not None and not isinstance(item, NodeItem):
            item = item.parentItem()
        if isinstance(item, NodeItem) and item.kind in ("node", "ending"):
            self.activate(item.kind, item.ident)

    def activate(self, kind: str, ident: str) -> None:
        """Select an item and emit :attr:`activated` (what a click does)."""
        table = self.nodes if kind == "node" else self.endings
        item = table.get(ident)
        if item is None:
            return
        self.scene().clearSelection()
        item.setSelected(True)
        self.activated.emit(kind, ident)

    def select(self, ident: str) -> None:
        """Highlight a node (following the editor's cursor) without emitting."""
        item = self.nodes.get(ident) or self.endings.get(ident)
        self.scene().clearSelection()
        if item is not None:
            item.setSelected(True)
            self.ensureVisible(item, 40, 40)

    def node_ids(self) -> list[str]:
        """Ids of the decision points shown."""
        return list(self.nodes)

    def edge_labels(self) -> list[str]:
        """Texts on the arrows (tests and accessibility)."""
        return [e.label.text() for e in self.edges]


def _longest_path_ranks(start: str, succ: dict[str, list[str]]) -> dict[str, int]:
    """Layer nodes by their longest distance from the start, ignoring loops back.

    With this layering every forward arrow goes down at least one row, so no
    arrow runs between two nodes of the same row.
    """
    if start not in succ:
        return {}
    on_stack: set[str] = {start}
    seen: set[str] = {start}
    post: list[str] = []
    forward: dict[str, list[str]] = {n: [] for n in succ}
    stack: list[tuple[str, int]] = [(start, 0)]
    while stack:
        node, index = stack.pop()
        children = succ[node]
        if index < len(children):
            stack.append((node, index + 1))
            child = children[index]
            if child in on_stack:
                continue  # a loop back: not used for layering
            forward[node].append(child)
            if child not in seen:
                seen.add(child)
                on_stack.add(child)
                stack.append((child, 0))
        else:
            on_stack.discard(node)
            post.append(node)
    rank = {n: 0 for n in seen}
    for node in reversed(post):
        for child in forward[node]:
            rank[child] = max(rank[child], rank[node] + 1)
    return rank


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def flags_from(diagnostics: Iterable[object]) -> GraphFlags:
    """Graph verdicts from lint diagnostics (their ``code`` and ``path``)."""
    import re

    unreachable: set[str] = set()
    dead: set[str] = set()
    unreached: set[str] = set()
    for d in diagnostics:
        code = getattr(d, "code", "")
        message = getattr(d, "message", "")
        match = re.search(r"(?:node|ending) '([^']+)'", message)
        if not match:
            continue
        if code == "unreachable":
            unreachable.add(match.group(1))
        elif code == "dead-end":
            dead.add(match.group(1))
        elif code == "ending-never-reached":
            unreached.add(match.group(1))
    return GraphFlags(frozenset(unreachable), frozenset(dead), frozenset(unreached))
