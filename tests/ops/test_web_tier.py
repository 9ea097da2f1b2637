"""A stateless web tier: rate limits shared through Redis by every process, and the real
client address behind a trusted proxy (PROXY_FIX_X_FOR)."""

import pytest
import redis

from tests.certificates.conftest import standalone_app
from tests.conftest import REDIS_URL

FORM = {"document_type": "CC", "document_number": "123456", "birth_date": "1990-01-01"}


def _portal_posts(directory, count, **settings):
    directory.mkdir()
    # Each app here stands for another worker process: its own counter storage object.
    with standalone_app(directory, RATELIMIT_ENABLED=True, **settings) as app:
        client = app.test_client()
        return [client.post("/certificados", data=FORM).status_code for _ in range(count)]


def test_the_portal_limit_holds_across_processes_with_redis(tmp_path, prefix):
    shared = {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    first = _portal_posts(tmp_path / "a", 6, **shared)
    second = _portal_posts(tmp_path / "b", 5, **shared)
    assert first == [200] * 6 and second == [200] * 4 + [429]  # 10/minute in all


def test_with_memory_storage_each_process_counts_alone(tmp_path, prefix):
    # What Redis fixes: two processes on memory:// allow the limit twice over.
    alone = {"RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_KEY_PREFIX": prefix}
    assert _portal_posts(tmp_path / "a", 10, **alone) == [200] * 10
    assert _portal_posts(tmp_path / "b", 10, **alone) == [200] * 10


def test_verification_json_is_limited_through_redis(tmp_path, prefix):
    tmp_path.joinpath("a").mkdir()
    with standalone_app(tmp_path / "a", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=REDIS_URL,
                        RATELIMIT_KEY_PREFIX=prefix, CERT_VERIFY_RATE_LIMIT="5/minute") as app:
        client = app.test_client()
        codes = [client.get("/v/ABCD-EFGH-JKMN-PQRS-T.json").status_code for _ in range(6)]
        assert codes == [404] * 5 + [429]
        keys = redis.Redis.from_url(REDIS_URL).keys(f"*{prefix}*verify_json*")
        assert keys, "the counter lives in Redis, not in the process"


@pytest.mark.parametrize(("hops", "second_citizen"), [(1, 200), (0, 429)])
def test_behind_a_trusted_proxy_each_citizen_has_their_own_limit(tmp_path, prefix, hops,
                                                                  second_citizen):
    with standalone_app(tmp_path, RATELIMIT_ENABLED=True, PROXY_FIX_X_FOR=hops,
                        RATELIMIT_KEY_PREFIX=prefix) as app:
        client = app.test_client()

        def post(address):
            return client.post("/certificados", data=FORM,
                               headers={"X-Forwarded-For": address}).status_code

        assert [post("203.0.113.7") for _ in range(11)] == [200] * 10 + [429]
        # With PROXY_FIX_X_FOR=1 the next citizen has a limit of their own; without it every
        # request comes from the proxy's address and the second citizen is refused too.
        assert post("203.0.113.8") == second_citizen


def test_counting_goes_on_after_redis_drops_the_connections(tmp_path, prefix):
    # Each thread keeps its own connection for the counts (lms/ratelimit.py): one that
    # Redis closed (a restart, a timeout) is opened again, and the count is not lost.
    with standalone_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=REDIS_URL,
                        RATELIMIT_KEY_PREFIX=prefix) as app:
        client = app.test_client()
        first = [client.post("/certificados", data=FORM).status_code for _ in range(4)]
        dropped = redis.Redis.from_url(REDIS_URL).client_kill_filter(_type="normal",
                                                                      skipme=True)
        then = [client.post("/certificados", data=FORM).status_code for _ in range(7)]
    assert dropped >= 1
    assert first == [200] * 4 and then == [200] * 6 + [429]
