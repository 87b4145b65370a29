"""RevisionCache: rebuilt once per revision token, always without one."""

from tongban.core.revision_cache import RevisionCache


def test_rebuilds_only_when_the_token_moves_on():
    token, builds, warmed = ["r1"], [], []
    cache = RevisionCache(
        lambda t: builds.append(t) or f"index@{t}", lambda: token[0], warm=lambda: warmed.append(1)
    )
    assert cache.get() == "index@r1" and cache.get() == "index@r1"
    token[0] = "r2"
    assert cache.get() == "index@r2"
    assert builds == ["r1", "r2"] and len(warmed) == 2
    cache.invalidate()
    assert cache.get() == "index@r2" and builds == ["r1", "r2", "r2"]


def test_without_a_token_every_read_rebuilds():
    builds = []
    cache = RevisionCache(lambda t: builds.append(t) or len(builds), lambda: "")
    assert cache.get() == 1 and cache.get() == 2
