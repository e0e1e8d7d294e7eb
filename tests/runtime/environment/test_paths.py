from contractforge_runtime.environment.paths import IDENTITY, PathResolver


def test_s3_uris_map_under_the_local_root(tmp_path):
    resolver = PathResolver(str(tmp_path))
    assert resolver.resolve("s3://bucket/a/b.csv") == f"{tmp_path}/bucket/a/b.csv"
    assert resolver.resolve("s3://bucket/prefix/") == f"{tmp_path}/bucket/prefix/"
    assert resolver.resolve("/already/local") == "/already/local"


def test_identity_in_glue():
    assert IDENTITY.resolve("s3://bucket/a") == "s3://bucket/a" and not IDENTITY.is_local
