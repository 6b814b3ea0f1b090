"""An index in the order a list sorts by, NULLs last included."""

from typing import Any

from django.db import models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.ddl_references import Statement
from django.db.models.expressions import OrderBy


class OrderingIndex(models.Index):
    """An index whose expressions are a list's ordering, such as
    ``F("decided_on").desc(nulls_last=True)``, so the list's first page is read
    from it instead of sorting the whole table.

    PostgreSQL reads an index in that order only when the index says NULLS LAST
    too. SQLite refuses the words in an index, but puts NULL last in a
    descending order by itself: there the index is made without them.
    """

    def create_sql(
        self,
        model: type[models.Model],
        schema_editor: BaseDatabaseSchemaEditor,
        *args: Any,
        **kwargs: Any,
    ) -> Statement:
        if schema_editor.connection.vendor == "sqlite":
            plain = models.Index(*map(sqlite_order, self.expressions), name=self.name)
            return plain.create_sql(model, schema_editor, *args, **kwargs)
        return super().create_sql(model, schema_editor, *args, **kwargs)


def sqlite_order(expression: Any) -> Any:
    """The same order in words SQLite takes in an index: it sorts NULL lowest."""
    if not isinstance(expression, OrderBy) or not (expression.nulls_last or expression.nulls_first):
        return expression
    if bool(expression.nulls_last) != expression.descending:
        raise ValueError(f"SQLite cannot index {expression!r}: NULL sorts lowest there.")
    return OrderBy(expression.expression, descending=expression.descending)
