"""Request shapes and error mapping against a stub server (the Go-era SDK checklist)."""

import json
import socket
import unittest
from urllib.parse import parse_qs, urlsplit

from support import StubServer

from memtrace import (
    AuthenticationError,
    ConflictError,
    Memtrace,
    MemtraceError,
    NotFoundError,
    PermissionError,
    RateLimitError,
    UnavailableError,
    ValidationError,
)


class RequestShapes(unittest.TestCase):
    def setUp(self):
        self.stub = StubServer()
        self.client = Memtrace(self.stub.url + "/", "mtk_test", timeout=5)

    def tearDown(self):
        self.stub.close()

    def query(self):
        return {k: v[0] for k, v in parse_qs(urlsplit(self.stub.last["path"]).query).items()}

    def test_remember_posts_an_episodic_general_memory(self):
        self.client.remember("my_agent", "Crawled https://example.com")
        self.assertEqual(self.stub.last["method"], "POST")
        self.assertEqual(self.stub.last["path"], "/api/v1/memories")
        self.assertEqual(
            self.stub.last["body"],
            {
                "agent_id": "my_agent",
                "content": "Crawled https://example.com",
                "memory_type": "episodic",
                "event_type": "general",
            },
        )

    def test_recall_lists_24h_100_newest_first_by_default(self):
        self.stub.reply = (200, "application/json", json.dumps({"memories": [{"a": 1}]}))
        memories = self.client.recall("my_agent")
        self.assertEqual(
            self.query(), {"agent_id": "my_agent", "since": "24h", "limit": "100", "order": "desc"}
        )
        self.assertEqual(memories, [{"a": 1}])

    def test_decide_puts_the_reasoning_in_metadata(self):
        self.client.decide("a", "Focus on A", "Higher engagement")
        self.assertEqual(self.stub.last["body"]["memory_type"], "decision")
        self.assertEqual(self.stub.last["body"]["event_type"], "decision")
        self.assertEqual(self.stub.last["body"]["metadata"], {"reasoning": "Higher engagement"})

    def test_add_memories_sends_memories_and_returns_the_array(self):
        self.stub.reply = (201, "application/json", json.dumps({"memories": [{}, {}], "count": 2}))
        items = [{"agent_id": "a", "content": "1"}, {"agent_id": "a", "content": "2"}]
        stored = self.client.add_memories(items)
        self.assertEqual(self.stub.last["body"], {"memories": items})
        self.assertEqual(len(stored), 2)

    def test_list_memories_joins_lists_and_leaves_out_zero_limit(self):
        self.client.list_memories(agent_id="a", tags=["x", "y"], limit=0, offset=0)
        self.assertEqual(self.query(), {"agent_id": "a", "tags": "x,y"})

    def test_list_memories_sends_q_and_search_memories_sends_query(self):
        self.client.list_memories(q='deploy* "staging server"', order="relevance")
        self.assertEqual(self.query(), {"q": 'deploy* "staging server"', "order": "relevance"})
        self.client.search_memories(query="deploy OR rollback", agent_id="a")
        self.assertEqual(self.stub.last["path"], "/api/v1/search")
        self.assertEqual(self.stub.last["body"], {"query": "deploy OR rollback", "agent_id": "a"})

    def test_forget_sends_a_query(self):
        self.client.forget(query="secret", dry_run=True)
        self.assertEqual(self.stub.last["body"], {"query": "secret", "dry_run": True})

    def test_list_sessions_calls_the_bare_path_without_an_agent(self):
        self.client.list_sessions()
        self.assertEqual(self.stub.last["path"], "/api/v1/sessions")

    def test_list_sessions_escapes_spaces_as_percent_20(self):
        self.client.list_sessions("agent with spaces")
        self.assertEqual(self.stub.last["path"], "/api/v1/sessions?agent_id=agent%20with%20spaces")

    def test_path_parameters_are_escaped(self):
        self.client.get_agent("a/b/c")
        self.assertEqual(self.stub.last["path"], "/api/v1/agents/a%2Fb%2Fc")

    def test_get_session_context_posts_an_empty_object_without_options(self):
        self.client.get_session_context("sess_1")
        self.assertEqual(self.stub.last["path"], "/api/v1/sessions/sess_1/context")
        self.assertEqual(self.stub.last["body"], {})

    def test_get_session_context_posts_the_spec_options(self):
        self.client.get_session_context("sess_1", since="4h", include_types=["episodic"])
        self.assertEqual(self.stub.last["body"], {"since": "4h", "include_types": ["episodic"]})

    def test_get_session_context_posts_the_tokenizer_and_format(self):
        self.client.get_session_context(
            "sess_1", max_tokens=100, tokenizer="cl100k_base", format="json"
        )
        self.assertEqual(
            self.stub.last["body"],
            {"max_tokens": 100, "tokenizer": "cl100k_base", "format": "json"},
        )

    def test_get_session_context_posts_the_query(self):
        self.client.get_session_context("sess_1", max_tokens=100, query="deploy rollback")
        self.assertEqual(self.stub.last["body"], {"max_tokens": 100, "query": "deploy rollback"})

    def test_close_session_puts_status_closed(self):
        self.client.close_session("sess_1")
        self.assertEqual(self.stub.last["method"], "PUT")
        self.assertEqual(self.stub.last["body"], {"status": "closed"})

    def test_delete_agent_returns_none_on_204(self):
        self.stub.reply = (204, None, "")
        self.assertIsNone(self.client.delete_agent("agent_1"))
        self.assertEqual(self.stub.last["method"], "DELETE")

    def test_delete_agent_without_cascade_sends_no_query(self):
        self.stub.reply = (204, None, "")
        self.client.delete_agent("agent_1", cascade=False)
        self.assertEqual(self.stub.last["path"], "/api/v1/agents/agent_1")

    def test_delete_agent_with_cascade_sends_cascade_true_and_returns_the_counts(self):
        counts = {
            "agent_id": "agent_1",
            "name": "crawler",
            "deleted": True,
            "cascade": True,
            "memories_deleted": 3,
            "sessions_deleted": 1,
        }
        self.stub.reply = (200, "application/json", json.dumps(counts))
        answer = self.client.delete_agent("agent_1", cascade=True)
        self.assertEqual(self.stub.last["method"], "DELETE")
        self.assertEqual(self.stub.last["path"], "/api/v1/agents/agent_1?cascade=true")
        self.assertEqual(answer, counts)

    def test_delete_session_sends_delete_to_the_escaped_path_and_returns_none_on_204(self):
        self.stub.reply = (204, None, "")
        self.assertIsNone(self.client.delete_session("sess/1"))
        self.assertEqual(self.stub.last["method"], "DELETE")
        self.assertEqual(self.stub.last["path"], "/api/v1/sessions/sess%2F1")

    def test_delete_memory_sends_delete_and_returns_none_on_204(self):
        self.stub.reply = (204, None, "")
        self.assertIsNone(self.client.delete_memory("mem/1"))
        self.assertEqual(self.stub.last["method"], "DELETE")
        self.assertEqual(self.stub.last["path"], "/api/v1/memories/mem%2F1")

    def test_update_memory_sends_patch_with_every_field_given_none_as_null(self):
        self.stub.reply = (200, "application/json", json.dumps({"memory_id": "mem/1"}))
        answer = self.client.update_memory(
            "mem/1", importance=0.9, metadata={"draft": None}, pinned=True, expires_at=None
        )
        self.assertEqual(self.stub.last["method"], "PATCH")
        self.assertEqual(self.stub.last["path"], "/api/v1/memories/mem%2F1")
        self.assertEqual(
            self.stub.last["body"],
            {"importance": 0.9, "metadata": {"draft": None}, "pinned": True, "expires_at": None},
        )
        self.assertEqual(answer, {"memory_id": "mem/1"})
        with self.assertRaises(ValueError):
            self.client.update_memory("mem/1")

    def test_history_gets_the_chain(self):
        chain = {"memories": [{"memory_id": "a"}, {"memory_id": "b"}], "count": 2}
        self.stub.reply = (200, "application/json", json.dumps(chain))
        self.assertEqual(self.client.history("mem/1"), chain["memories"])
        self.assertEqual(self.stub.last["method"], "GET")
        self.assertEqual(self.stub.last["path"], "/api/v1/memories/mem%2F1/history")

    def test_add_memory_sends_supersedes_and_expiry(self):
        self.client.add_memory("a", "right", supersedes="mem_1", ttl="7d")
        self.assertEqual(
            self.stub.last["body"],
            {"agent_id": "a", "content": "right", "supersedes": "mem_1", "ttl": "7d"},
        )

    def test_forget_posts_only_the_given_filters(self):
        answer_body = json.dumps({"would_delete": 3, "dry_run": True})
        self.stub.reply = (200, "application/json", answer_body)
        answer = self.client.forget(agent_id="a", tags=["x"], dry_run=True)
        self.assertEqual(self.stub.last["method"], "POST")
        self.assertEqual(self.stub.last["path"], "/api/v1/memories/forget")
        self.assertEqual(self.stub.last["body"], {"agent_id": "a", "tags": ["x"], "dry_run": True})
        self.assertEqual(answer, {"would_delete": 3, "dry_run": True})

    def test_forget_all_sends_all_true_alone(self):
        self.client.forget(all=True)
        self.assertEqual(self.stub.last["body"], {"all": True})

    def test_api_key_always_and_content_type_only_with_a_body(self):
        self.client.get_session("s")
        self.assertEqual(self.stub.last["headers"]["x-api-key"], "mtk_test")
        self.assertNotIn("content-type", self.stub.last["headers"])
        self.client.remember("a", "b")
        self.assertEqual(self.stub.last["headers"]["content-type"], "application/json")


class ErrorMapping(unittest.TestCase):
    def setUp(self):
        self.stub = StubServer()
        self.client = Memtrace(self.stub.url, "mtk_test", timeout=5)

    def tearDown(self):
        self.stub.close()

    def fail_with(self, status, body, content_type="application/json"):
        self.stub.reply = (status, content_type, body)
        with self.assertRaises(MemtraceError) as caught:
            self.client.get_agent("a")
        return caught.exception

    def test_statuses_map_to_typed_errors(self):
        cases = [
            (400, ValidationError),
            (401, AuthenticationError),
            (403, PermissionError),
            (404, NotFoundError),
            (409, ConflictError),
            (429, RateLimitError),
            (503, UnavailableError),
        ]
        for status, cls in cases:
            with self.subTest(status=status):
                error = self.fail_with(status, json.dumps({"error": "c", "message": "text"}))
                self.assertIsInstance(error, cls)
                self.assertEqual((error.status_code, error.code, str(error)), (status, "c", "text"))

    def test_conflict_carries_the_stored_memory_id(self):
        body = json.dumps({"error": "conflict", "message": "dup", "memory_id": "mem_1"})
        error = self.fail_with(409, body)
        self.assertEqual(error.memory_id, "mem_1")

    def test_a_500_is_a_plain_memtrace_error_with_its_status(self):
        error = self.fail_with(500, json.dumps({"error": "internal_error", "message": "x"}))
        self.assertIs(type(error), MemtraceError)
        self.assertEqual(error.status_code, 500)

    def test_a_text_502_body_becomes_the_message(self):
        error = self.fail_with(502, "Bad Gateway from the proxy", "text/plain")
        self.assertEqual(str(error), "Bad Gateway from the proxy")

    def test_an_empty_body_says_http_status(self):
        error = self.fail_with(418, "", None)
        self.assertEqual(str(error), "HTTP 418")

    def test_network_failure_is_status_0(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with self.assertRaises(MemtraceError) as caught:
            Memtrace(f"http://127.0.0.1:{port}", "k", timeout=5).get_agent("a")
        self.assertEqual(caught.exception.status_code, 0)


if __name__ == "__main__":
    unittest.main()
