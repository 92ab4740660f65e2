"""The memtrace client: urllib.request and json only."""

import json
import socket
import urllib.error
import urllib.request
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional
from urllib.parse import quote

from .errors import MemtraceError, error_from_response

JsonObject = Dict[str, Any]


def _path(value: str) -> str:
    return quote(value, safe="")


def _drop_none(fields: Mapping[str, Any]) -> JsonObject:
    return {k: v for k, v in fields.items() if v is not None}


class Memtrace:
    """A client of memtrace's REST API.

    Every call sends the key in ``x-api-key``, acts in the key's org, returns the API's JSON
    (dicts with snake_case keys) and raises a :class:`MemtraceError` subclass on failure
    (``status_code`` 0 for network failures and timeouts).

    >>> client = Memtrace("http://localhost:9100", "mtk_...")
    >>> client.remember("my_agent", "Crawled https://example.com")
    """

    def __init__(self, base_url: str, api_key: str, timeout: float = 30) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    # ---- the Go-era shortcuts -------------------------------------------------------------

    def remember(self, agent_id: str, content: str) -> JsonObject:
        """Records an episodic memory with event type ``general``."""
        return self.add_memory(agent_id, content, memory_type="episodic", event_type="general")

    def recall(self, agent_id: str, since: str = "24h") -> List[JsonObject]:
        """The agent's memories since ``since`` (default 24h), newest first, up to 100."""
        page = self.list_memories(agent_id=agent_id, since=since, limit=100, order="desc")
        return page["memories"]

    def decide(self, agent_id: str, decision: str, reasoning: str) -> JsonObject:
        """Records a decision; the reasoning goes to ``metadata["reasoning"]``."""
        return self.add_memory(
            agent_id,
            decision,
            memory_type="decision",
            event_type="decision",
            metadata={"reasoning": reasoning},
        )

    # ---- memories -----------------------------------------------------------------------

    def add_memory(
        self,
        agent_id: str,
        content: str,
        *,
        memory_type: Optional[str] = None,
        event_type: Optional[str] = None,
        session_id: Optional[str] = None,
        metadata: Optional[JsonObject] = None,
        tags: Optional[List[str]] = None,
        importance: Optional[float] = None,
        dedup_key: Optional[str] = None,
        parent_id: Optional[str] = None,
        time: Optional[str] = None,
        ttl: Optional[str] = None,
        expires_at: Optional[str] = None,
        pinned: Optional[bool] = None,
        supersedes: Optional[str] = None,
    ) -> JsonObject:
        """Records one memory; a duplicate raises ConflictError with ``memory_id``.

        ``time`` is when it happened (ISO 8601, default now); the answer also has ``created_at``.
        ``ttl`` (``"7d"``) or ``expires_at`` (ISO 8601) make it expire, ``pinned=True`` never.
        ``supersedes="mem_..."`` corrects that memory: lists, search and context leave it out.
        """
        body = _drop_none(
            {
                "agent_id": agent_id,
                "content": content,
                "memory_type": memory_type,
                "event_type": event_type,
                "session_id": session_id,
                "metadata": metadata,
                "tags": tags,
                "importance": importance,
                "dedup_key": dedup_key,
                "parent_id": parent_id,
                "time": time,
                "ttl": ttl,
                "expires_at": expires_at,
                "pinned": pinned,
                "supersedes": supersedes,
            }
        )
        return self._request("POST", "/api/v1/memories", body=body)

    def add_memories(self, memories: Iterable[JsonObject]) -> List[JsonObject]:
        """Records a batch (dicts shaped like add_memory's fields) atomically; returns the stored."""
        return self.add_memories_batch(memories)["memories"]

    def add_memories_batch(self, memories: Iterable[JsonObject]) -> JsonObject:
        """Records a batch; the answer also has ``duplicates`` and ``duplicate_of``."""
        return self._request("POST", "/api/v1/memories", body={"memories": list(memories)})

    def list_memories(self, **filters: Any) -> JsonObject:
        """Lists memories: agent_id, session_id, memory_type, event_type, tags, content_contains,
        q, content_contains_ignore_case (True: the substring matches regardless of case),
        min_importance, since, until, limit, offset, cursor, order, include_count,
        include_superseded. ``q`` is a keyword search (as ``query`` of search_memories): the
        matches come best first (unless ``order`` is ``"asc"`` or ``"desc"``), each with its
        ``score``."""
        return self._request("GET", "/api/v1/memories", query=_filters(filters))

    def iter_memories(self, **filters: Any) -> Iterator[JsonObject]:
        """Every memory the filters of list_memories match (no offset or cursor), a page (limit,
        default 100) at a time along ``next_cursor``: ``for m in client.iter_memories(agent_id=
        "a")``. Memories written or deleted meanwhile never make it skip or repeat another."""
        return _pages(
            lambda cursor: self.list_memories(**{"include_count": False, **filters}, cursor=cursor),
            "memories",
        )

    def get_memory(self, memory_id: str) -> JsonObject:
        return self._request("GET", f"/api/v1/memories/{_path(memory_id)}")

    def update_memory(self, memory_id: str, **patch: Any) -> JsonObject:
        """Corrects a memory and returns it: ``importance``, ``tags`` (replaced), ``metadata``
        (merged; a key set to None is removed), ``pinned`` (True clears its expiry),
        ``expires_at`` (ISO 8601 in the future, or None to remove it). Every field given is
        sent, None as null. Content is immutable: a correction is ``add_memory(...,
        supersedes=memory_id)``."""
        if not patch:
            raise ValueError("update_memory needs at least one field to change")
        return self._request("PATCH", f"/api/v1/memories/{_path(memory_id)}", body=dict(patch))

    def history(self, memory_id: str) -> List[JsonObject]:
        """Every version of the correction chain the memory belongs to, oldest first."""
        return self._request("GET", f"/api/v1/memories/{_path(memory_id)}/history")["memories"]

    def delete_memory(self, memory_id: str) -> None:
        """Deletes one memory; returns None, raises NotFoundError when the org has no such id."""
        self._request("DELETE", f"/api/v1/memories/{_path(memory_id)}")

    def forget(
        self,
        *,
        agent_id: Optional[str] = None,
        session_id: Optional[str] = None,
        memory_types: Optional[List[str]] = None,
        event_types: Optional[List[str]] = None,
        tags: Optional[List[str]] = None,
        since: Optional[str] = None,
        until: Optional[str] = None,
        query: Optional[str] = None,
        ids: Optional[List[str]] = None,
        dry_run: Optional[bool] = None,
        all: Optional[bool] = None,
    ) -> JsonObject:
        """Deletes every memory the given filters and/or ids all match, all or none:
        ``{"deleted": n}``. ``dry_run=True`` deletes nothing: ``{"would_delete": n, "dry_run":
        True}``. ``query`` is a keyword search, as search_memories reads it. No filter at all
        raises ValidationError unless ``all=True`` (every memory of the org; an admin key, else
        PermissionError)."""
        body = _drop_none(
            {
                "agent_id": agent_id,
                "session_id": session_id,
                "memory_types": memory_types,
                "event_types": event_types,
                "tags": tags,
                "since": since,
                "until": until,
                "query": query,
                "ids": ids,
                "dry_run": dry_run,
                "all": all,
            }
        )
        return self._request("POST", "/api/v1/memories/forget", body=body)

    def search_memories(self, **query: Any) -> JsonObject:
        """Search: query, agent_id, session_id, memory_types, event_types, tags,
        content_contains, content_contains_ignore_case (True: the substring matches regardless
        of case), min_importance, since, until, order, limit, offset, cursor,
        include_count, include_superseded. ``query`` is a keyword search (words that must all
        match, ``"a phrase"``, ``prefix*``, ``OR`` between alternatives): the results come best
        match first (``order="relevance"``, its default; ``"asc"``/``"desc"`` order by time),
        each with its ``score`` (higher is better). Without it there is no ``score``."""
        return self._request("POST", "/api/v1/search", body=_drop_none(query))

    def iter_search(self, **query: Any) -> Iterator[JsonObject]:
        """Every match of search_memories (no offset or cursor), page by page along
        ``next_cursor`` (see iter_memories)."""
        return _pages(
            lambda cursor: self.search_memories(**{"include_count": False, **query}, cursor=cursor),
            "results",
        )

    # ---- agents -------------------------------------------------------------------------

    def register_agent(
        self, name: str, description: Optional[str] = None, config: Optional[JsonObject] = None
    ) -> JsonObject:
        body = _drop_none({"name": name, "description": description, "config": config})
        return self._request("POST", "/api/v1/agents", body=body)

    def list_agents(
        self,
        limit: Optional[int] = None,
        offset: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> JsonObject:
        query = _drop_none({**_page(limit, offset), "cursor": cursor})
        return self._request("GET", "/api/v1/agents", query=query)

    def iter_agents(self, limit: Optional[int] = None) -> Iterator[JsonObject]:
        """Every registered agent, newest first, page by page along ``next_cursor``."""
        return _pages(lambda cursor: self.list_agents(limit=limit, cursor=cursor), "agents")

    def get_agent(self, agent_id: str) -> JsonObject:
        """By registered id or by name."""
        return self._request("GET", f"/api/v1/agents/{_path(agent_id)}")

    def get_agent_stats(self, agent_id: str) -> JsonObject:
        return self._request("GET", f"/api/v1/agents/{_path(agent_id)}/stats")

    def get_agent_memories(self, agent_id: str, **filters: Any) -> JsonObject:
        return self._request(
            "GET", f"/api/v1/agents/{_path(agent_id)}/memories", query=_filters(filters)
        )

    def delete_agent(self, agent_id: str, cascade: bool = False) -> Optional[JsonObject]:
        """Removes the registration; its memories and sessions stay and it returns None. With
        ``cascade=True`` its memories and sessions (with every memory in them) go too, and it
        returns the counts: ``{"agent_id", "name", "deleted", "cascade", "memories_deleted",
        "sessions_deleted"}``."""
        query = {"cascade": True} if cascade else None
        answer = self._request("DELETE", f"/api/v1/agents/{_path(agent_id)}", query=query)
        return answer if cascade else None

    # ---- sessions -----------------------------------------------------------------------

    def create_session(self, agent_id: str, metadata: Optional[JsonObject] = None) -> JsonObject:
        body = _drop_none({"agent_id": agent_id, "metadata": metadata})
        return self._request("POST", "/api/v1/sessions", body=body)

    def get_session(self, session_id: str) -> JsonObject:
        return self._request("GET", f"/api/v1/sessions/{_path(session_id)}")

    def list_sessions(
        self,
        agent_id: Optional[str] = None,
        status: Optional[str] = None,
        limit: Optional[int] = None,
        offset: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> JsonObject:
        query = _drop_none(
            {"agent_id": agent_id, "status": status, **_page(limit, offset), "cursor": cursor}
        )
        return self._request("GET", "/api/v1/sessions", query=query)

    def iter_sessions(
        self,
        agent_id: Optional[str] = None,
        status: Optional[str] = None,
        limit: Optional[int] = None,
    ) -> Iterator[JsonObject]:
        """Every session (of the agent and status given), newest first, along ``next_cursor``."""
        return _pages(
            lambda cursor: self.list_sessions(agent_id, status, limit, cursor=cursor), "sessions"
        )

    def update_session(
        self, session_id: str, status: Optional[str] = None, metadata: Optional[JsonObject] = None
    ) -> JsonObject:
        """Closes or reopens a session and merges metadata (a key set to None is removed)."""
        body: JsonObject = {}
        if status is not None:
            body["status"] = status
        if metadata is not None:
            body["metadata"] = metadata
        return self._request("PUT", f"/api/v1/sessions/{_path(session_id)}", body=body)

    def delete_session(self, session_id: str) -> None:
        """Deletes the session and every memory in it; returns None, raises NotFoundError when
        the org has no such session."""
        self._request("DELETE", f"/api/v1/sessions/{_path(session_id)}")

    def close_session(self, session_id: str) -> JsonObject:
        return self.update_session(session_id, status="closed")

    def get_session_memories(self, session_id: str, **filters: Any) -> JsonObject:
        return self._request(
            "GET", f"/api/v1/sessions/{_path(session_id)}/memories", query=_filters(filters)
        )

    def get_session_context(
        self,
        session_id: str,
        since: Optional[str] = None,
        until: Optional[str] = None,
        include_types: Optional[List[str]] = None,
        exclude_types: Optional[List[str]] = None,
        max_tokens: Optional[int] = None,
        order: Optional[str] = None,
        include_superseded: Optional[bool] = None,
        tokenizer: Optional[str] = None,
        format: Optional[str] = None,
        query: Optional[str] = None,
    ) -> JsonObject:
        """The session's LLM-ready context (``["context"]``) within an optional token budget.

        ``max_tokens`` is counted by ``tokenizer`` (``"o200k_base"`` or ``"cl100k_base"``; the
        server's setting when None). ``format``: ``"markdown"`` (default, a string), ``"json"``
        (a list of sections with their items) or ``"messages"`` (a list of chat messages). The
        answer's ``tokens`` is the exact count and ``truncated`` says whether a memory was left
        out or cut. ``query`` (keywords, as in search) ranks the memories matching it first
        within ``max_tokens``, after pinned ones; it filters nothing out.
        """
        body = _drop_none(
            {
                "since": since,
                "until": until,
                "include_types": include_types,
                "exclude_types": exclude_types,
                "max_tokens": max_tokens,
                "order": order,
                "include_superseded": include_superseded,
                "tokenizer": tokenizer,
                "format": format,
                "query": query,
            }
        )
        return self._request("POST", f"/api/v1/sessions/{_path(session_id)}/context", body=body)

    # ---- keys (admin) -------------------------------------------------------------------

    def create_key(self, name: str, permissions: Optional[List[str]] = None) -> JsonObject:
        """Creates a key of the caller's org; ``api_key`` is shown only in this answer."""
        body = _drop_none({"name": name, "permissions": permissions})
        return self._request("POST", "/api/v1/keys", body=body)

    def list_keys(self) -> List[JsonObject]:
        return self._request("GET", "/api/v1/keys")["keys"]

    def revoke_key(self, key_id: str) -> None:
        self._request("DELETE", f"/api/v1/keys/{_path(key_id)}")

    # ---- transport ----------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        body: Optional[Any] = None,
        query: Optional[Mapping[str, Any]] = None,
    ) -> Any:
        url = self.base_url + path + _query_string(query)
        headers = {"x-api-key": self.api_key, "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as res:
                text = res.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            raise error_from_response(e.code, e.read().decode("utf-8", "replace")) from None
        except (socket.timeout, TimeoutError) as e:
            raise MemtraceError(f"request timed out after {self.timeout} s", 0) from e
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise MemtraceError(f"request timed out after {self.timeout} s", 0) from e
            raise MemtraceError(f"request failed: {reason}", 0) from e
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError as e:
            raise MemtraceError(f"invalid JSON in the response: {text[:200]}", 0) from e


def _pages(read: Callable[[Optional[str]], JsonObject], key: str) -> Iterator[JsonObject]:
    """The items under ``key`` of each page ``read`` returns, following ``next_cursor``."""
    cursor: Optional[str] = None
    while True:
        page = read(cursor)
        yield from page[key]
        cursor = page.get("next_cursor")
        if cursor is None:
            return


def _page(limit: Optional[int], offset: Optional[int]) -> JsonObject:
    """``limit`` and ``offset`` only when > 0, as the Go-era SDKs did."""
    page: JsonObject = {}
    if limit is not None and limit > 0:
        page["limit"] = limit
    if offset is not None and offset > 0:
        page["offset"] = offset
    return page


def _filters(filters: Mapping[str, Any]) -> JsonObject:
    rest = {k: v for k, v in filters.items() if k not in ("limit", "offset")}
    return {**_drop_none(rest), **_page(filters.get("limit"), filters.get("offset"))}


def _query_string(query: Optional[Mapping[str, Any]]) -> str:
    parts = []
    for key, value in (query or {}).items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            if not value:
                continue
            value = ",".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        parts.append(f"{quote(str(key), safe='')}={quote(str(value), safe='')}")
    return "?" + "&".join(parts) if parts else ""
