"""Which knowledge base (department) the page works on: one choice at the top of the page, checked on the server.

The chat, 党课素材, 文库与术语 and 自测 all work on the knowledge base chosen here. The chosen id comes
from the browser (or from a caller of the Gradio API), so it is never trusted: every callback resolves
it through `KBChoice.resolve`, which asks `AppServices.kb_for` for the person's role in it each time
(a grant revoked a minute ago counts). A refusal is audited ("denied") and shown as one line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import gradio as gr

from kb.accounts.departments import DEFAULT_KB, AccessDenied

if TYPE_CHECKING:
    from kb.app_services import AppServices
    from kb.service import KnowledgeBase
    from ui.auth import Access

_NEEDS = {"reader": "读取", "editor": "修改", "admin": "管理"}


class KBChoice:
    """The page's knowledge-base chooser and the one function that turns its value into a KnowledgeBase."""

    def __init__(
        self, default: KnowledgeBase, access: Access | None = None, services: AppServices | None = None
    ) -> None:
        self.default = default
        self.access = access
        self.services = services
        self.component: gr.Dropdown | gr.State | None = None
        self.accepted: gr.State | None = None  # the last choice that passed the check (server-side session state)
        self._events: list[Any] = []  # the page load and a new choice: the tabs refresh after each

    # -- resolving (every callback) ------------------------------------------------------------------------

    def resolve(self, request: gr.Request | None, kb_id: str | None, need: str = "reader") -> KnowledgeBase:
        """The knowledge base `kb_id` when the person behind `request` holds at least `need` in it; gr.Error otherwise."""
        kb_id = kb_id or DEFAULT_KB
        if self.services is None:  # a page without departments: the one knowledge base it was built with
            if kb_id != DEFAULT_KB:
                raise self._refused(request, kb_id, need, f"没有知识库 {kb_id}")
            if need != "reader" and not self._may_change_default(request):
                raise self._refused(request, kb_id, need, f"无权{_NEEDS[need]}知识库 {kb_id}")
            return self.default
        name = self.access.user(request) if self.access is not None else None
        try:
            return self.services.kb_for(name, kb_id, need)
        except AccessDenied as exc:
            raise self._refused(request, kb_id, need, str(exc)) from None

    def may(self, request: gr.Request | None, kb_id: str | None, need: str) -> bool:
        """Whether the person holds `need` in `kb_id` (for showing a control; the callback checks again)."""
        kb_id = kb_id or DEFAULT_KB
        if self.services is None:
            return kb_id == DEFAULT_KB and (need == "reader" or self._may_change_default(request))
        try:
            who = self.services.principal(self.access.user(request) if self.access is not None else None)
        except gr.Error:
            return False
        return who is not None and who.can(kb_id, need)

    def _may_change_default(self, request: gr.Request | None) -> bool:
        if self.access is not None:
            return bool(self.access.is_admin(request))
        # A bare page (tests, embedding) without login: the one local person.
        return getattr(request, "username", None) is None

    def _refused(self, request: gr.Request | None, kb_id: str, need: str, message: str) -> gr.Error:
        if self.access is not None:
            self.access.record(request, "denied", kb=kb_id, need=need)
            from ui.auth import refused

            return refused(request, getattr(request, "username", None), message)
        return gr.Error(message, print_exception=False)

    # -- the chooser (once per page) -------------------------------------------------------------------------

    def render(self, demo: gr.Blocks | None = None) -> gr.Dropdown | gr.State:
        """The chooser (shown at page load when the person may read more than one knowledge base)."""
        demo = demo or gr.context.Context.root_block
        if self.services is None:
            self.component = self.accepted = gr.State(DEFAULT_KB)
            self._events = [demo.load(lambda: DEFAULT_KB, None, [self.component], api_visibility="private")]
            return self.component
        # Any value is accepted by the component (allow_custom_value): whether the person may read it is decided
        # on the server, audited, in `resolve`; the choices offered are only what they may read.
        choice = gr.Dropdown(
            label="知识库",
            choices=[],
            value=DEFAULT_KB,
            visible=False,
            allow_custom_value=True,
            scale=0,
            min_width=180,
            elem_id="kb-choice",
        )
        accepted = gr.State(DEFAULT_KB)  # the last choice that passed the check, to go back to after a refusal
        self.component, self.accepted = choice, accepted

        def on_load(request: gr.Request) -> tuple:
            user = self.access.user(request) if self.access is not None else None
            readable = self.services.readable(user)
            ids = [i for _, i in readable]
            start = DEFAULT_KB if DEFAULT_KB in ids else (ids[0] if ids else DEFAULT_KB)
            return gr.Dropdown(choices=readable, value=start, visible=len(readable) > 1), start

        def on_choose(kb_id: str | None, request: gr.Request) -> str:
            self.resolve(request, kb_id)
            return kb_id or DEFAULT_KB

        loaded = demo.load(on_load, None, [choice, accepted], api_visibility="private")
        chosen = choice.input(on_choose, [choice], [accepted], api_visibility="private")
        chosen.failure(lambda ok: ok, [accepted], [choice], api_visibility="private")
        self._events = [loaded, chosen]
        return choice

    def page_choices(self, fn: Callable[[KnowledgeBase], list[Any]]) -> list[Any]:
        """`fn(default)` for a page without departments, else nothing: the page as sent, before it loads, must not
        list the documents of a knowledge base the visitor may not read; the load fills in the chosen one's."""
        return fn(self.default) if self.services is None else []

    def on_change(self, fn: Callable[..., Any], inputs: Sequence[Any], outputs: Sequence[Any]) -> None:
        """Run `fn(kb_id, *inputs, request)` after the page loads and after every accepted choice (tabs refresh)."""
        if self.component is None:
            raise RuntimeError("KBChoice.render must come before the tabs that follow the choice")
        for event in self._events:
            event.success(fn, [self.component, *inputs], list(outputs), api_visibility="private")
