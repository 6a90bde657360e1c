"""The account names we accept are accepted by ledger, hledger and beancount."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger_support import run

from emailautomation.ledger import InvalidLedgerAccount, check_account_name
from emailautomation.ledger.names import ROOTS

_parts = st.text(
    alphabet=st.characters(categories=("Lu", "Ll", "Nd", "Lo"), max_codepoint=0x30FF)
    | st.just("-"),
    min_size=1,
    max_size=12,
)


def _accepted(parts: list[str]) -> str | None:
    try:
        return check_account_name(":".join(parts))
    except InvalidLedgerAccount:
        return None


@settings(max_examples=1, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(ROOTS), st.lists(_parts, min_size=1, max_size=3)),
        min_size=150,
        max_size=150,
    )
)
def test_every_accepted_name_passes_all_three_tools(
    tmp_path_factory, ledger_cli, hledger_cli, bean_check_cli, drawn
):
    names = sorted(
        {n for root, parts in drawn if (n := _accepted([root, *parts])) is not None}
        | {
            "Expenses:Café",
            "Assets:Bank:Chase-Checking",
            "Liabilities:2024",
            "Equity:Ä",
        }
    )
    folder = tmp_path_factory.mktemp("names")
    beancount = folder / "names.beancount"
    beancount.write_text(
        "".join(f"2025-01-01 open {name}\n" for name in names)
        + "".join(
            f'2025-01-02 * "x"\n  {name}  1.00 INR\n  Equity:Ä  -1.00 INR\n'
            for name in names
            if name != "Equity:Ä"
        )
    )
    journal = folder / "names.journal"
    journal.write_text(
        "commodity INR\n"
        + "".join(f"account {name}\n" for name in names)
        + "".join(
            f"2025-01-02 x\n    {name}  1.00 INR\n    Equity:Ä  -1.00 INR\n\n"
            for name in names
            if name != "Equity:Ä"
        )
    )

    run(bean_check_cli, str(beancount))
    run(hledger_cli, "-f", str(journal), "check", "--strict")
    out = run(ledger_cli, "-f", str(journal), "--pedantic", "accounts")
    assert sorted(out.splitlines()) == names


@pytest.mark.parametrize(
    "name",
    [
        "expenses:food",
        "Expenses:food",
        "Expenses:Food Court",
        "Expenses:Food;x",
        "Expenses:",
        "Expenses:-Food",
        "Expenses:Food:",
        "Assets:Bank\tX",
        "Ausgaben:X",
    ],
)
def test_names_some_tool_would_refuse_are_refused(name):
    with pytest.raises(InvalidLedgerAccount):
        check_account_name(name)
