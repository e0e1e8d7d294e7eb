from contractforge_runtime.sources import SourceError, reader_for
from contractforge_runtime.sources.files import glue_format_options, reader_options


def test_reader_options_drop_schema_and_inference_for_incremental():
    source = {"options": {"header": True, "inferSchema": "true", "schema": "a INT", "sep": ";"}}
    assert reader_options(source) == {"header": "true", "inferSchema": "true", "sep": ";"}
    assert reader_options(source, incremental=True) == {"header": "true", "sep": ";"}


def test_glue_format_options_translate_csv_names():
    options = {"header": "true", "delimiter": "|", "quote": "'", "escape": "\\", "inferSchema": "true"}
    assert glue_format_options("csv", options) == {
        "withHeader": True,
        "separator": "|",
        "quoteChar": "'",
        "escaper": "\\",
    }
    assert glue_format_options("json", {"multiLine": "false"}) == {"multiLine": False}


def test_unknown_family_is_a_clear_error():
    try:
        reader_for("carrier_pigeon")
    except SourceError as exc:
        assert "unknown source family 'carrier_pigeon'" in str(exc) and "incremental_files" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected SourceError")
