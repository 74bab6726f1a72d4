from django import forms

from gongjian.places.models import Place, PlaceKind


class PlaceForm(forms.ModelForm):
    class Meta:
        model = Place
        fields = ["kind", "name", "code", "latitude", "longitude"]

    def __init__(self, *args: object, parent: Place | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.parent = parent if parent is not None else (self.instance.parent if self.instance.pk else None)
        allowed = list(PlaceKind.choices)
        if self.parent is not None:
            allowed = [(v, label) for v, label in PlaceKind.choices if PlaceKind.depth_of(v) > self.parent.depth]
        elif not self.instance.pk:
            allowed = [(PlaceKind.DISTRICT.value, PlaceKind.DISTRICT.label)]
        self.fields["kind"].choices = allowed  # type: ignore[attr-defined]
        if not self.instance.pk and self.parent is not None:
            child = PlaceKind.child_of(self.parent.kind)
            if child:
                self.initial.setdefault("kind", child)
