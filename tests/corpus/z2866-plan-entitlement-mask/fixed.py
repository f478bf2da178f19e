import csv
import io
import os
import random

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

ENTITLEMENTS = """intent,free,pro,enterprise
general_question,1,1,1
password_reset,1,1,1
billing_question,0,1,1
sso_setup,0,0,1
data_export,0,1,1
dedicated_support,0,0,1
"""
PLANS = ["free", "pro", "enterprise"]

LEXICON = {
    "general_question": "how what where does can",
    "password_reset": "password reset forgot email link",
    "billing_question": "bill charge card invoice price",
    "sso_setup": "sso saml okta login domain",
    "data_export": "export csv download data backup",
    "dedicated_support": "manager call urgent priority contract",
}
GLUE = "i we you the my our to a is it please help need want".split()

MAX_LEN = 32
SEED = 2024


def load_entitlements(text):
    rows = list(csv.DictReader(io.StringIO(text)))
    intents = [r["intent"] for r in rows]
    allowed = torch.tensor([[int(r[p]) for r in rows] for p in PLANS], dtype=torch.bool)
    return intents, allowed


def make_vocab_file(folder):
    words = sorted({w for v in LEXICON.values() for w in v.split()} | set(GLUE))
    path = os.path.join(folder, "support_vocab.txt")
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]:
            fh.write(tok + "\n")
    return path


def encode(tokenizer, texts):
    return tokenizer(texts, padding="max_length", truncation=True, max_length=MAX_LEN, return_tensors="pt")


def synth(n, intents, rnd):
    data = []
    for _ in range(n):
        label = rnd.randrange(len(intents))
        cue = LEXICON[intents[label]].split()
        words = rnd.sample(cue, 2) + [rnd.choice(GLUE) for _ in range(rnd.randint(3, 9))]
        rnd.shuffle(words)
        plan = rnd.choice(PLANS)
        data.append({"text": " ".join(words), "label": label, "plan": plan})
    return data


def train_router(model, tokenizer, data, epochs=3, bs=12):
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    model.train()
    for ep in range(epochs):
        chunks = [data[i:i + bs] for i in range(0, len(data), bs)]
        running = 0.0
        for chunk in chunks:
            batch = encode(tokenizer, [d["text"] for d in chunk])
            batch["labels"] = torch.tensor([d["label"] for d in chunk])
            loss = model(**batch).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            opt.zero_grad(set_to_none=True)
            running += loss.item() * len(chunk)
        print(f"epoch {ep + 1}: loss={running / len(data):.3f}")


class Predictor:
    def __init__(self, model, tokenizer, intents, allowed):
        self.model = model
        self.tokenizer = tokenizer
        self.intents = intents
        self.allowed = allowed

    @torch.no_grad()
    def predict(self, tickets):
        self.model.eval()
        enc = encode(self.tokenizer, [t["text"] for t in tickets])
        logits = self.model(**enc).logits
        plan_rows = torch.tensor([PLANS.index(t["plan"]) for t in tickets])
        plan_mask = self.allowed[plan_rows]
        logits = logits.masked_fill(~plan_mask, float("-inf"))
        best = logits.argmax(dim=-1)
        return [
            {"ticket": t["text"], "plan": t["plan"], "intent": self.intents[i]}
            for t, i in zip(tickets, best.tolist())
        ]


def main():
    rnd = random.Random(SEED)
    torch.manual_seed(SEED)
    intents, allowed = load_entitlements(ENTITLEMENTS)

    tokenizer = BertTokenizer(make_vocab_file(os.path.dirname(os.path.abspath(__file__))))
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_LEN,
        num_labels=len(intents),
    )
    model = BertForSequenceClassification(config)
    train_router(model, tokenizer, synth(120, intents, rnd))

    router = Predictor(model, tokenizer, intents, allowed)
    incoming = [
        {"text": "please help sso saml login for our domain", "plan": "free"},
        {"text": "i need to export my data csv", "plan": "pro"},
        {"text": "urgent call with our manager please", "plan": "enterprise"},
    ]
    for row in router.predict(incoming):
        print(row)


if __name__ == "__main__":
    main()
