"""Course content: files -> validated objects -> sanitised HTML -> versioned database rows.

No Flask in here: plain functions over text, folders and a SQLAlchemy session.

    load_courses(path)                        parse and validate a tree (raises ValidationFailed)
    validate_courses(path)                    the same, returning (courses, errors)
    parse_module(text) / parse_course(text)   one file's text
    import_courses(session, path, actor)      files -> Course/Module/ModuleVersion rows
    export_courses(session, directory)        rows -> files
    render_markdown(text) / render_inline(text)   any Markdown -> sanitised HTML
"""

from trainer.content.errors import ContentError, ValidationFailed
from trainer.content.exporter import ExportError, ExportResult, export_courses
from trainer.content.importer import import_courses
from trainer.content.markdown import render_inline, render_markdown
from trainer.content.parser import ParsedModule, content_hash, normalise_source, parse_course, parse_module
from trainer.content.report import CourseChange, ImportReport, ModuleChange
from trainer.content.tree import CourseFile, ModuleFile, load_courses, validate_courses

__all__ = [
    "ContentError",
    "CourseChange",
    "CourseFile",
    "ExportError",
    "ExportResult",
    "ImportReport",
    "ModuleChange",
    "ModuleFile",
    "ParsedModule",
    "ValidationFailed",
    "content_hash",
    "export_courses",
    "import_courses",
    "load_courses",
    "normalise_source",
    "parse_course",
    "parse_module",
    "render_inline",
    "render_markdown",
    "validate_courses",
]
