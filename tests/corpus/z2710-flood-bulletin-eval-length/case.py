import os
import random
from typing import NamedTuple, List, Dict, Callable, Iterator

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

WORKDIR = os.path.dirname(os.path.abspath(__file__))
LEVELS = ["none", "watch", "warning"]


class HourlyObs(NamedTuple):
    hour: int
    stage_m: float
    rain_mm: float
    delta_m: float


class FloodEvent(NamedTuple):
    gauge: str
    obs: List[HourlyObs]
    level: int


def stage_word(o: HourlyObs) -> str:
    return "flood" if o.stage_m > 4.0 else "high" if o.stage_m > 2.5 else "normal"


def trend_word(o: HourlyObs) -> str:
    if o.delta_m > 0.05:
        return "rising"
    return "falling" if o.delta_m < -0.05 else "steady"


def rain_word(o: HourlyObs) -> str:
    return "heavy" if o.rain_mm > 8 else "light" if o.rain_mm > 0.5 else "dry"


FEATURE_FNS: Dict[str, Callable[[HourlyObs], str]] = {
    "stage": stage_word,
    "trend": trend_word,
    "rain": rain_word,
}


def build_vocab(path: str) -> None:
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "|",
             "flood", "high", "normal", "rising", "falling", "steady", "heavy", "light", "dry"]
    with open(path, "w", encoding="utf-8") as f:
        for w in words:
            f.write(w + "\n")


def simulate_event(rng: random.Random, gauge: str) -> FloodEvent:
    n_hours = rng.randint(10, 44)
    stage, obs = rng.uniform(0.8, 2.0), []
    storm_peak = rng.randint(0, n_hours)
    for h in range(n_hours):
        rain = max(0.0, rng.gauss(12.0 if abs(h - storm_peak) < 4 else 1.0, 3.0))
        new_stage = max(0.2, stage + 0.04 * rain - 0.08 + rng.gauss(0, 0.05))
        obs.append(HourlyObs(h, new_stage, rain, new_stage - stage))
        stage = new_stage
    peak = max(o.stage_m for o in obs)
    level = 2 if peak > 4.0 else 1 if peak > 2.5 else 0
    return FloodEvent(gauge, obs, level)


def bulletin_text(event: FloodEvent) -> str:
    hours = [" ".join(fn(o) for fn in FEATURE_FNS.values()) for o in event.obs]
    return " | ".join(hours)


def iter_batches(events: List[FloodEvent], tokenizer, batch_size: int,
                 shuffle: bool = False, **encode_kwargs) -> Iterator[Dict[str, torch.Tensor]]:
    order = list(range(len(events)))
    if shuffle:
        random.shuffle(order)
    for start in range(0, len(order), batch_size):
        chunk = [events[i] for i in order[start:start + batch_size]]
        enc = tokenizer([bulletin_text(e) for e in chunk], return_tensors="pt", **encode_kwargs)
        enc["labels"] = torch.tensor([e.level for e in chunk])
        yield dict(enc)


def evaluate(model, batches) -> float:
    model.eval()
    hits = seen = 0
    with torch.no_grad():
        for batch in batches:
            logits = model(**batch).logits
            hits += (logits.argmax(-1) == batch["labels"]).sum().item()
            seen += batch["labels"].numel()
    model.train()
    return hits / max(seen, 1)


def train(*, train_events, val_events, tokenizer, max_len=128, hidden=32, n_layers=1,
          n_heads=2, batch_size=8, epochs=2, lr=5e-4, warmup_frac=0.1, seed=0):
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=hidden,
                        num_hidden_layers=n_layers, num_attention_heads=n_heads,
                        intermediate_size=hidden * 2, max_position_embeddings=max_len,
                        num_labels=len(LEVELS))
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=lr)
    steps_per_epoch = (len(train_events) + batch_size - 1) // batch_size
    warmup = max(1, int(warmup_frac * steps_per_epoch * epochs))
    sched = torch.optim.lr_scheduler.LambdaLR(optim, lambda s: min(1.0, (s + 1) / warmup))
    for epoch in range(epochs):
        total = 0.0
        for batch in iter_batches(train_events, tokenizer, batch_size, shuffle=True,
                                  padding="max_length", truncation=True, max_length=max_len):
            loss = model(**batch).loss
            optim.zero_grad()
            loss.backward()
            optim.step()
            sched.step()
            total += loss.item()
        val_acc = evaluate(model, iter_batches(val_events, tokenizer, batch_size * 2,
                                               padding=True, truncation=True))
        print(f"epoch {epoch}: train_loss={total / steps_per_epoch:.3f} val_acc={val_acc:.3f}")
    return model


def main():
    random.seed(3)
    rng = random.Random(3)
    vocab_file = os.path.join(WORKDIR, "bulletin_vocab.txt")
    build_vocab(vocab_file)
    tok = BertTokenizer(vocab_file)
    gauges = ["ouse-skelton", "wharfe-tadcaster", "aire-leeds", "calder-elland"]
    events = [simulate_event(rng, rng.choice(gauges)) for _ in range(96)]
    split = int(0.75 * len(events))
    train(train_events=events[:split], val_events=events[split:], tokenizer=tok,
          max_len=128, batch_size=8, epochs=2, lr=5e-4)


if __name__ == "__main__":
    main()
