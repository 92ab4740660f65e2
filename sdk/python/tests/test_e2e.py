"""Every method against a real memtrace server: MEMTRACE_URL and MEMTRACE_API_KEY (an admin key).

The project's vitest suite (test/e2e/python-sdk.e2e.test.ts) starts a server and runs these.
"""

import os
import unittest
import uuid

import support  # noqa: F401  (puts the package on sys.path)

from memtrace import (
    AuthenticationError,
    ConflictError,
    Memtrace,
    NotFoundError,
    PermissionError,
    ValidationError,
)

URL = os.environ.get("MEMTRACE_URL")
KEY = os.environ.get("MEMTRACE_API_KEY")


def unique(prefix):
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


@unittest.skipUnless(URL and KEY, "set MEMTRACE_URL and MEMTRACE_API_KEY to run against a server")
class AgainstServer(unittest.TestCase):
    def setUp(self):
        self.client = Memtrace(URL, KEY)

    def test_remember_and_recall(self):
        agent = unique("py_recall")
        memory = self.client.remember(agent, "Crawled https://example.com")
        self.assertRegex(memory["memory_id"], r"^mem_[0-9a-f]{24}$")
        self.assertEqual(memory["memory_type"], "episodic")
        self.assertEqual([m["memory_id"] for m in self.client.recall(agent)], [memory["memory_id"]])

    def test_decide_stores_reasoning(self):
        memory = self.client.decide(unique("py_decide"), "Focus on A", "Higher engagement")
        self.assertEqual(memory["memory_type"], "decision")
        self.assertEqual(memory["metadata"], {"reasoning": "Higher engagement"})

    def test_add_memory_duplicate_raises_conflict_with_memory_id(self):
        agent = unique("py_dup")
        first = self.client.add_memory(agent, "same", tags=["t"], importance=0.5)
        with self.assertRaises(ConflictError) as caught:
            self.client.add_memory(agent, "same", tags=["t"], importance=0.5)
        self.assertEqual(caught.exception.status_code, 409)
        self.assertEqual(caught.exception.memory_id, first["memory_id"])

    def test_add_memory_invalid_raises_validation_error(self):
        with self.assertRaises(ValidationError) as caught:
            self.client.add_memory("py_invalid", "x", importance=7)
        self.assertTrue(str(caught.exception).startswith("importance"))

    def test_batch_list_get_search(self):
        agent = unique("py_batch")
        stored = self.client.add_memories(
            [
                {"agent_id": agent, "content": "needle one", "tags": ["x", "y"], "importance": 0.9},
                {"agent_id": agent, "content": "needle two", "tags": ["x"]},
            ]
        )
        again = self.client.add_memories_batch([{"agent_id": agent, "content": "needle one",
                                                 "tags": ["x", "y"], "importance": 0.9}])
        self.assertEqual(len(stored), 2)
        self.assertEqual(again["duplicates"], 1)
        tagged = self.client.list_memories(agent_id=agent, tags=["x", "y"])
        self.assertEqual([m["content"] for m in tagged["memories"]], ["needle one"])
        page = self.client.list_memories(agent_id=agent, order="asc", limit=1)
        self.assertTrue(page["has_more"])
        self.assertEqual(page["memories"][0]["content"], "needle one")
        self.assertEqual(self.client.get_memory(stored[1]["memory_id"]), stored[1])
        found = self.client.search_memories(agent_id=agent, content_contains="needle",
                                            min_importance=0.5)
        self.assertEqual([m["content"] for m in found["results"]], ["needle one"])
        with self.assertRaises(NotFoundError):
            self.client.get_memory("mem_000000000000000000000000")

    def test_keyword_search_ranks_with_scores_on_both_routes(self):
        agent = unique("py_query")
        short, long, _ = self.client.add_memories(
            [
                {"agent_id": agent, "content": "lease renewal"},
                {"agent_id": agent, "content": "the office lease ends in spring, ask about renewal"},
                {"agent_id": agent, "content": "printer out of toner"},
            ]
        )
        found = self.client.search_memories(agent_id=agent, query="lease renew*")
        self.assertEqual([m["memory_id"] for m in found["results"]],
                         [short["memory_id"], long["memory_id"]])
        self.assertGreater(found["results"][0]["score"], found["results"][1]["score"])
        listed = self.client.list_memories(agent_id=agent, q="lease renew*")
        self.assertEqual(listed["memories"], found["results"])
        plain = self.client.search_memories(agent_id=agent)
        self.assertTrue(all("score" not in m for m in plain["results"]))
        with self.assertRaises(ValidationError):
            self.client.search_memories(query='"" ()')
        with self.assertRaises(ValidationError):
            self.client.search_memories(order="relevance")
        dry = self.client.forget(agent_id=agent, query="lease", dry_run=True)
        self.assertEqual(dry, {"would_delete": 2, "dry_run": True})

    def test_delete_memory_and_forget(self):
        agent = unique("py_forget")
        kept = self.client.add_memory(agent, "keep")
        doomed = self.client.add_memory(agent, "delete me")
        self.client.add_memories(
            [{"agent_id": agent, "content": f"drop {i}", "tags": ["drop"]} for i in range(2)]
        )
        self.assertIsNone(self.client.delete_memory(doomed["memory_id"]))
        with self.assertRaises(NotFoundError):
            self.client.get_memory(doomed["memory_id"])
        with self.assertRaises(NotFoundError):
            self.client.delete_memory(doomed["memory_id"])
        dry = self.client.forget(agent_id=agent, tags=["drop"], dry_run=True)
        self.assertEqual(dry, {"would_delete": 2, "dry_run": True})
        self.assertEqual(self.client.forget(agent_id=agent, tags=["drop"]), {"deleted": 2})
        left = self.client.list_memories(agent_id=agent)["memories"]
        self.assertEqual([m["memory_id"] for m in left], [kept["memory_id"]])
        self.assertEqual(self.client.forget(ids=[kept["memory_id"]]), {"deleted": 1})

    def test_supersede_update_memory_and_history(self):
        agent = unique("py_fix")
        old = self.client.add_memory(agent, "deploys on Friday", ttl="7d")
        fix = self.client.add_memory(agent, "deploys on Thursday", supersedes=old["memory_id"])
        patched = self.client.update_memory(
            fix["memory_id"], importance=0.9, metadata={"reviewed": True}, pinned=True
        )
        self.assertEqual(patched["importance"], 0.9)
        self.assertEqual(patched["metadata"], {"reviewed": True})
        self.assertEqual((patched["pinned"], patched["expires_at"]), (True, None))
        chain = self.client.history(old["memory_id"])
        contents = [m["content"] for m in chain]
        self.assertEqual(contents, ["deploys on Friday", "deploys on Thursday"])
        self.assertEqual(chain[0]["superseded_by"], fix["memory_id"])
        current = self.client.list_memories(agent_id=agent)["memories"]
        self.assertEqual([m["content"] for m in current], ["deploys on Thursday"])
        every = self.client.list_memories(agent_id=agent, include_superseded=True)
        self.assertEqual(every["count"], 2)
        with self.assertRaises(ValidationError):
            self.client.update_memory(fix["memory_id"], content="x")
        with self.assertRaises(NotFoundError):
            self.client.history("mem_000000000000000000000000")

    def test_forget_refuses_no_filter_and_all_without_admin(self):
        agent = unique("py_forget_all")
        self.client.remember(agent, "survives")
        writer = Memtrace(URL, self.client.create_key(unique("py_writer"))["api_key"])
        with self.assertRaises(ValidationError):
            self.client.forget()
        with self.assertRaises(PermissionError):
            writer.forget(all=True)
        self.assertEqual(len(self.client.recall(agent)), 1)
    def test_iterators_follow_next_cursor_without_skip_or_repeat(self):
        agent = unique("py_iter")
        stored = self.client.add_memories(
            [{"agent_id": agent, "content": f"m{i}", "tags": ["it"]} for i in range(13)]
        )
        initial = [m["memory_id"] for m in stored]
        seen = []
        for memory in self.client.iter_memories(agent_id=agent, limit=3, order="asc"):
            seen.append(memory["memory_id"])
            if len(seen) % 3 == 0:
                self.client.add_memory(agent, f"late {len(seen)}")
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual([i for i in initial if i not in seen], [])
        searched = [
            m["memory_id"] for m in self.client.iter_search(agent_id=agent, tags=["it"], limit=4)
        ]
        self.assertEqual(sorted(searched), sorted(initial))
        sessions_agent = unique("py_iter_sessions")
        for _ in range(5):
            self.client.create_session(sessions_agent)
        sessions = list(self.client.iter_sessions(agent_id=sessions_agent, limit=2))
        self.assertEqual(len({s["session_id"] for s in sessions}), 5)
        names = [unique("py_iter_agent") for _ in range(3)]
        for name in names:
            self.client.register_agent(name)
        listed = [a["name"] for a in self.client.iter_agents(limit=2)]
        self.assertEqual(len(listed), len(set(listed)))
        self.assertTrue(set(names) <= set(listed))

    def test_agents(self):
        name = unique("py_agent")
        agent = self.client.register_agent(name, description="Crawls", config={"max_depth": 3})
        self.client.remember(name, "did something")
        self.assertEqual(self.client.get_agent(name), agent)
        listed = self.client.list_agents(limit=1000)
        self.assertIn(agent["agent_id"], [a["agent_id"] for a in listed["agents"]])
        stats = self.client.get_agent_stats(name)
        self.assertEqual(stats["memory_count"], 1)
        memories = self.client.get_agent_memories(agent["agent_id"], since="1h")
        self.assertEqual([m["content"] for m in memories["memories"]], ["did something"])
        with self.assertRaises(ConflictError):
            self.client.register_agent(name)
        self.assertIsNone(self.client.delete_agent(agent["agent_id"]))
        with self.assertRaises(NotFoundError):
            self.client.get_agent(agent["agent_id"])

    def test_delete_agent_with_cascade_deletes_its_memories_and_sessions(self):
        name = unique("py_cascade")
        agent = self.client.register_agent(name)
        session = self.client.create_session(name)
        self.client.add_memory(name, "in the session", session_id=session["session_id"])
        self.client.add_memory(name, "outside any session")
        answer = self.client.delete_agent(name, cascade=True)
        self.assertEqual(
            answer,
            {
                "agent_id": agent["agent_id"],
                "name": name,
                "deleted": True,
                "cascade": True,
                "memories_deleted": 2,
                "sessions_deleted": 1,
            },
        )
        self.assertEqual(self.client.list_memories(agent_id=name)["memories"], [])
        with self.assertRaises(NotFoundError):
            self.client.get_session(session["session_id"])

    def test_delete_agent_without_cascade_keeps_its_memories(self):
        name = unique("py_keep")
        self.client.register_agent(name)
        self.client.add_memory(name, "kept")
        self.assertIsNone(self.client.delete_agent(name))
        self.assertEqual(len(self.client.list_memories(agent_id=name)["memories"]), 1)

    def test_delete_session_deletes_it_and_its_memories(self):
        agent = unique("py_del_sess")
        sid = self.client.create_session(agent)["session_id"]
        self.client.add_memory(agent, "in the session", session_id=sid)
        kept = self.client.add_memory(agent, "elsewhere")
        self.assertIsNone(self.client.delete_session(sid))
        with self.assertRaises(NotFoundError):
            self.client.get_session(sid)
        remaining = self.client.list_memories(agent_id=agent)["memories"]
        self.assertEqual([m["memory_id"] for m in remaining], [kept["memory_id"]])
        with self.assertRaises(NotFoundError):
            self.client.delete_session(sid)

    def test_sessions_and_context(self):
        agent = unique("py_sess")
        session = self.client.create_session(agent, metadata={"task": "research"})
        sid = session["session_id"]
        self.client.add_memory(agent, "Crawled a page", session_id=sid)
        self.client.add_memory(agent, "Chose category A", session_id=sid, memory_type="decision")
        self.assertEqual(self.client.get_session(sid), session)
        by_agent = self.client.list_sessions(agent)
        self.assertEqual([s["session_id"] for s in by_agent["sessions"]], [sid])
        active = self.client.list_sessions(status="active", limit=1000)
        self.assertIn(sid, [s["session_id"] for s in active["sessions"]])
        updated = self.client.update_session(sid, metadata={"step": 2})
        self.assertEqual(updated["metadata"], {"task": "research", "step": 2})
        memories = self.client.get_session_memories(sid, order="asc")
        self.assertEqual([m["content"] for m in memories["memories"]],
                         ["Crawled a page", "Chose category A"])
        ctx = self.client.get_session_context(sid, since="4h", include_types=["episodic", "decision"])
        self.assertEqual(ctx["memory_count"], 2)
        self.assertTrue(ctx["context"].startswith(f"## Session Context ({sid})"))
        self.assertIn("- Chose category A", ctx["context"])
        tight = self.client.get_session_context(sid, max_tokens=5)
        self.assertLessEqual(len(tight["context"]), 20)
        self.assertLessEqual(tight["tokens"], 5)
        self.assertEqual(tight["estimated_tokens"], tight["tokens"])
        as_json = self.client.get_session_context(sid, format="json", tokenizer="cl100k_base")
        self.assertEqual(as_json["tokenizer"], "cl100k_base")
        self.assertEqual(
            sorted(s["memory_type"] for s in as_json["context"]), ["decision", "episodic"]
        )
        closed = self.client.close_session(sid)
        self.assertEqual(closed["status"], "closed")
        self.assertIsNotNone(closed["closed_at"])
        with self.assertRaises(NotFoundError):
            self.client.get_session("sess_unknown_" + uuid.uuid4().hex)

    def test_keys(self):
        issued = self.client.create_key(unique("py_reader"), permissions=["read"])
        reader = Memtrace(URL, issued["api_key"])
        self.assertIsInstance(reader.list_memories(limit=1)["memories"], list)
        with self.assertRaises(PermissionError):
            reader.remember("py_keys", "nope")
        keys = self.client.list_keys()
        self.assertIn(issued["key_id"], [k["key_id"] for k in keys])
        self.assertTrue(all("api_key" not in k for k in keys))
        self.assertIsNone(self.client.revoke_key(issued["key_id"]))
        with self.assertRaises(AuthenticationError) as caught:
            reader.list_memories()
        self.assertEqual(caught.exception.status_code, 401)


if __name__ == "__main__":
    unittest.main()
