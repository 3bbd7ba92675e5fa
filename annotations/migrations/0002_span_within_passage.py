from django.db import migrations

# A CHECK constraint cannot look at another table, so "a span ends within its
# passage's text" is a trigger.
CREATE_TRIGGER = """
CREATE FUNCTION annotations_tag_span_within_passage() RETURNS trigger AS $$
BEGIN
    IF NEW.passage_id IS NOT NULL AND NEW."end" IS NOT NULL AND NEW."end" > (
        SELECT char_length(text) FROM corpus_passage WHERE id = NEW.passage_id
    ) THEN
        RAISE EXCEPTION 'tag span [%, %) ends beyond the text of passage %',
            NEW.start, NEW."end", NEW.passage_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'tag_span_within_passage';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER tag_span_within_passage
    BEFORE INSERT OR UPDATE OF passage_id, start, "end" ON annotations_tag
    FOR EACH ROW EXECUTE FUNCTION annotations_tag_span_within_passage();
"""

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS tag_span_within_passage ON annotations_tag;
DROP FUNCTION IF EXISTS annotations_tag_span_within_passage();
"""


class Migration(migrations.Migration):
    dependencies = [("annotations", "0001_initial")]

    operations = [migrations.RunSQL(CREATE_TRIGGER, DROP_TRIGGER)]
