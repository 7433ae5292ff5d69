"""Write the demo vault's ``notes/Projects/data/predictions.csv`` (deterministic; seed fixed).

Each row is a support message with the intent predicted by the production model and by two
candidates.  The candidates mostly agree with production; where they do not, they usually fix a
production mistake on a confusable pair (billing/refund, cancel/downgrade...), and model 2 is more
adventurous than model 1.  ``python benchmarks/make_predictions.py`` rewrites the file.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "notes" / "Projects" / "data" / "predictions.csv"

TEMPLATES = {
    "billing": ["why was I charged {amount} twice", "my invoice for {month} looks wrong",
                "can I get a copy of my {month} invoice", "what is this {amount} charge",
                "update the card I pay with", "the bill went up by {amount} this month"],
    "refund": ["I want my {amount} back", "refund the {month} payment please",
               "you charged me {amount} after I cancelled, refund it",
               "how long does a refund take", "I returned the {item}, where is my money"],
    "cancel_subscription": ["cancel my subscription", "I want to stop paying for {plan}",
                            "close my account for good", "how do I cancel before {month}",
                            "stop renewing my {plan} plan"],
    "downgrade_plan": ["move me from {plan} to basic", "I don't need {plan} anymore, go cheaper",
                       "switch to the free tier", "can I pay less and keep my data",
                       "drop the {plan} add-on"],
    "upgrade_plan": ["upgrade me to {plan}", "what does {plan} add over basic",
                     "I need more seats on {plan}", "switch to annual {plan}"],
    "password_reset": ["I forgot my password", "the reset link from {month} expired",
                       "locked out after too many attempts", "reset email never arrives",
                       "can't log in on my {item}"],
    "delivery_status": ["where is my {item}", "my {item} order hasn't shipped",
                        "tracking says delivered but no {item}", "when will the {item} arrive",
                        "order placed in {month} still missing"],
    "technical_issue": ["the app crashes when I open {item} settings", "sync is broken since {month}",
                        "error 500 on the dashboard", "export to csv does nothing",
                        "the {item} app won't load"],
    "update_account": ["change my email address", "update the company name on {plan}",
                       "add a second admin", "change my phone number", "rename my workspace"],
    "talk_to_human": ["let me talk to a person", "I want a human not a bot",
                      "call me back about {plan}", "escalate this please", "agent please"],
}
FILL = {
    "amount": ["$12", "$49", "$9.99", "$120", "€30"],
    "month": ["March", "April", "May", "June"],
    "item": ["phone", "headset", "router", "tablet", "laptop"],
    "plan": ["Pro", "Team", "Business"],
}
# Production's typical mistakes, and where candidates move a prediction when they disagree.
NEIGHBOURS = {
    "billing": ["refund", "update_account"], "refund": ["billing", "cancel_subscription"],
    "cancel_subscription": ["downgrade_plan", "refund"],
    "downgrade_plan": ["cancel_subscription", "upgrade_plan"],
    "upgrade_plan": ["downgrade_plan", "billing"], "password_reset": ["technical_issue"],
    "delivery_status": ["refund", "technical_issue"],
    "technical_issue": ["password_reset", "talk_to_human"],
    "update_account": ["billing", "password_reset"],
    "talk_to_human": ["technical_issue", "cancel_subscription"],
}


def rows(n: int = 420, seed: int = 20250544) -> list[dict[str, str]]:
    rng = random.Random(seed)
    intents = sorted(TEMPLATES)
    weights = [14, 11, 9, 8, 5, 9, 12, 13, 6, 5]
    out, seen = [], set()
    while len(out) < n:
        truth = rng.choices(intents, weights)[0]
        text = rng.choice(TEMPLATES[truth])
        for slot, values in FILL.items():
            text = text.replace("{" + slot + "}", rng.choice(values))
        if text in seen and rng.random() < 0.8:
            continue
        seen.add(text)
        current = truth if rng.random() > 0.12 else _neighbour(rng, truth)
        out.append({"utterance": text, "current_model": current,
                    "new_model_1": _candidate(rng, truth, current, fix=0.6, slip=0.05),
                    "new_model_2": _candidate(rng, truth, current, fix=0.7, slip=0.065)})
    return out


def _candidate(rng: random.Random, truth: str, current: str, fix: float, slip: float) -> str:
    if current != truth and rng.random() < fix:
        return truth  # fixes production's mistake: a disagreement that is good news
    if rng.random() < slip:
        return _neighbour(rng, current)  # a new mistake of its own
    return current


def _neighbour(rng: random.Random, intent: str) -> str:
    """A confusable intent; the first neighbour is the usual confusion."""
    options = NEIGHBOURS[intent]
    return rng.choices(options, [4, 1][:len(options)])[0]


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, ["utterance", "current_model", "new_model_1", "new_model_2"])
        writer.writeheader()
        writer.writerows(rows())
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
