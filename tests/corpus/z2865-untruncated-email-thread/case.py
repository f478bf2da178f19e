import io
import os
import csv
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

LABELS_CSV = io.StringIO(
    "code,intent,team\n"
    "0,cancel_subscription,retention\n"
    "1,upgrade_plan,sales\n"
    "2,api_error,platform\n"
    "3,invoice_copy,finance\n"
    "4,feature_request,product\n"
)

KEYWORDS = [
    ["cancel", "stop", "unsubscribe"],
    ["upgrade", "pro", "seats"],
    ["api", "error", "timeout"],
    ["invoice", "copy", "pdf"],
    ["feature", "idea", "wish"],
]
COMMON = ["hello", "team", "we", "our", "need", "the", "a", "is", "for", "please", "regards", "thanks",
          "on", "wrote", "re", "fwd", "from", "sent", "yesterday", "still"]


@dataclass
class RouterSettings:
    max_len: int = 64
    hidden: int = 32
    heads: int = 2
    layers: int = 1
    lr: float = 5e-4
    epochs: int = 3
    batch_size: int = 8
    seed: int = 7
    specials: list = field(default_factory=lambda: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])


def read_labels(buf):
    reader = csv.DictReader(buf)
    table = sorted(reader, key=lambda r: int(r["code"]))
    return [r["intent"] for r in table], {r["intent"]: r["team"] for r in table}


def build_tokenizer(settings, workdir):
    vocab = settings.specials + sorted({w for kw in KEYWORDS for w in kw} | set(COMMON))
    path = os.path.join(workdir, "router_vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(vocab))
    return BertTokenizer(path)


def encode(tok, texts, max_length=None):
    kwargs = dict(padding=True, return_tensors="pt")
    if max_length is not None:
        kwargs.update(truncation=True, max_length=max_length)
    return tok(texts, **kwargs)


class IntentHead(nn.Module):
    def __init__(self, cfg, n_intents):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.proj = nn.Linear(cfg.hidden_size, n_intents)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                         token_type_ids=token_type_ids).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.proj(pooled)


def ticket_stream(n, rng):
    for _ in range(n):
        y = int(rng.integers(len(KEYWORDS)))
        words = list(rng.choice(COMMON, size=int(rng.integers(5, 40))))
        words += list(rng.choice(KEYWORDS[y], size=3))
        rng.shuffle(words)
        yield " ".join(words), y


def batches(stream, size):
    texts, ys = [], []
    for text, y in stream:
        texts.append(text)
        ys.append(y)
        if len(texts) == size:
            yield texts, torch.tensor(ys)
            texts, ys = [], []
    if texts:
        yield texts, torch.tensor(ys)


def fit(model, tok, settings, rng):
    opt = torch.optim.Adam(model.parameters(), lr=settings.lr)
    for ep in range(settings.epochs):
        losses = []
        for texts, ys in batches(ticket_stream(96, rng), settings.batch_size):
            enc = encode(tok, texts, max_length=settings.max_len)
            loss = F.cross_entropy(model(**enc), ys)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"[fit] epoch={ep} loss={np.mean(losses):.4f}")


class Predictor:
    def __init__(self, model, tok, intents, teams):
        self.model, self.tok = model, tok
        self.intents, self.teams = intents, teams

    @torch.no_grad()
    def __call__(self, texts):
        self.model.eval()
        enc = encode(self.tok, texts)
        probs = self.model(**enc).softmax(-1)
        top = probs.argmax(-1).tolist()
        return [(self.intents[i], self.teams[self.intents[i]]) for i in top]


def main():
    settings = RouterSettings()
    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    intents, teams = read_labels(LABELS_CSV)
    tok = build_tokenizer(settings, os.path.dirname(os.path.abspath(__file__)))

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=settings.hidden,
                     num_hidden_layers=settings.layers, num_attention_heads=settings.heads,
                     intermediate_size=settings.hidden * 2, max_position_embeddings=settings.max_len)
    model = IntentHead(cfg, len(intents))
    fit(model, tok, settings, rng)

    predictor = Predictor(model, tok, intents, teams)
    inbox = [
        "hello we need the invoice pdf please",
        "api timeout error is still on",
        " ".join(["re fwd from sent yesterday wrote"] * 10 + ["please cancel our pro seats thanks"]),
    ]
    for text, (intent, team) in zip(inbox, predictor(inbox)):
        print(f"{intent:>20} -> {team:<10} | {text[:40]}")


if __name__ == "__main__":
    main()
