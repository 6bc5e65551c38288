"""The review forms: setting an advice card aside with a note."""

from __future__ import annotations

from django import forms

from journal.advice import AdviceCard


class AdviceDismissalForm(forms.Form):
    key = forms.CharField(max_length=120)
    note = forms.CharField(
        max_length=500,
        error_messages={"required": "Write a short note: why is this advice set aside?"},
    )

    def __init__(self, *args, cards: tuple[AdviceCard, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.cards = {card.key: card for card in cards}

    def clean_key(self) -> AdviceCard:
        card = self.cards.get(self.cleaned_data["key"])
        if card is None:
            raise forms.ValidationError(
                "That advice is no longer open: it was dismissed already or the data behind it "
                "changed. The cards below are up to date."
            )
        return card
