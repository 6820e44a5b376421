from datetime import UTC, datetime

import pytest

from common.errors import ApplicationError
from monitoring import cron


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("* * * *", "Expected 5 fields, got 4."),
        ("61 * * * *", "minute '61' is not valid"),
        ("* 24 * * *", "hour '24' is not valid"),
        ("* * 0 * *", "day of month '0' is not valid"),
        ("* * * 13 *", "month '13' is not valid"),
        ("* * * * 9", "day of week '9' is not valid"),
        ("*/0 * * * *", "minute '*/0' is not valid"),
        ("every hour * * * *", "Expected 5 fields"),
    ],
)
def test_invalid_cron_says_which_field_and_why(expression, reason):
    with pytest.raises(ApplicationError) as caught:
        cron.parse(expression)
    assert reason in caught.value.fields["cron"][0]


def test_cron_in_words():
    assert cron.describe("0 * * * *") == "Every hour"
    assert cron.describe("0 */2 * * *") == "Every 2 hours"
    assert cron.describe("0 3 * * *") == "At 03:00"
    assert cron.describe("*/5 * * * mon-fri") == "Every 5 minutes, Monday through Friday"


def test_next_runs_follow_the_time_zone():
    after = datetime(2030, 1, 15, 1, 30, tzinfo=UTC)
    [berlin] = cron.next_runs("0 3 * * *", "Europe/Berlin", after=after)
    assert berlin == datetime(2030, 1, 15, 2, 0, tzinfo=UTC)  # 03:00 in Berlin is 02:00 UTC in winter
    runs = cron.next_runs("0 */2 * * *", "UTC", after=after, count=3)
    assert [r.hour for r in runs] == [2, 4, 6]
