"""Forms of the module editor and of the version comparison."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.fields import SelectChoice  # type: ignore[attr-defined]  # types-WTForms lags WTForms 3.3
from wtforms.validators import Length

from trainer.content.authoring import NOTE_MAX, EditorState, Publication
from trainer.ints import parse_int

SOURCE_MAX = 500_000  # characters; the longest shipped module has about 11,000


class EditorForm(FlaskForm):
    source = TextAreaField("Module file", validators=[Length(max=SOURCE_MAX)],
                           description="Front matter between '---' lines, the lesson in Markdown, then "
                                       "'## Quiz' and its questions: the format of the files in courses/.")
    # Which version and which draft the author started from: publishing or saving on top of
    # anything newer is refused instead of overwriting someone else's work.
    base_version_id = HiddenField()
    draft_stamp = HiddenField()
    change = RadioField("Kind of change", default="minor", choices=[
        SelectChoice("minor", "Minor: wording, typos, a better example. Completions of earlier "
                              "versions still count."),
        SelectChoice("major", "Major: the substance changed. Everyone who completed the module must "
                              "take it again."),
    ])
    change_note = TextAreaField("Change note", validators=[Length(max=NOTE_MAX)],
                                description="What changed and why. Required for a major change; "
                                            "shown to employees asked to take the module again.")
    preview = SubmitField("Preview")
    save_draft = SubmitField("Save draft")
    publish = SubmitField("Publish")
    # Set once the author has seen what publishing this exact text does to people's training
    # (compliance/impact.py); changing the text, the kind of change or the note asks again.
    confirmed = HiddenField()
    rebase = SubmitField("Keep my text and continue from the current version")

    def start_from(self, state: EditorState) -> None:
        self.source.data = state.source
        self.base_version_id.data = str(state.base_version_id or "")
        self.draft_stamp.data = state.draft_stamp

    def base_id(self) -> int | None:
        return parse_int((self.base_version_id.data or "").strip())

    def publication(self) -> Publication:
        return Publication(source=self.source.data or "", base_version_id=self.base_id(),
                           draft_stamp=self.draft_stamp.data or "", change=self.change.data or "",
                           change_note=self.change_note.data or "")


class DiscardForm(FlaskForm):
    draft_stamp = HiddenField()
    discard = SubmitField("Discard draft")
