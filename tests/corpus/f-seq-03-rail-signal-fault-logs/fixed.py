"""Embed railway signal fault log entries and find the closest past fault.

Runtime settings come from environment variables so the depot scripts can
override them without editing code.
"""
import os
import tempfile

import torch
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

os.environ.setdefault("MAX_TOKENS", "48")
os.environ.setdefault("EMBED_BATCH", "4")

WORDS = ("signal aspect red green yellow lamp failed track circuit relay points "
         "heater frozen cable damaged technician reset replaced fuse junction box "
         "interlocking lost detection train held minutes delay platform north south "
         "loop siding reported by driver control room night shift morning "
         "rain snow storm power supply battery low axle counter disturbed cleared "
         "after inspection found water ingress").split()

PAST_FAULTS = [
    "signal lamp failed red aspect replaced lamp",
    "points heater frozen snow technician reset heater",
    "track circuit failed water ingress junction box cleared after inspection",
    "axle counter disturbed reset by control room",
    # long narrative entries written by the night shift
    " ".join(["night shift reported by driver signal aspect yellow train held minutes delay",
              "technician found cable damaged junction box water ingress after storm rain",
              "relay replaced fuse replaced power supply battery low interlocking lost detection",
              "points heater frozen siding loop north south platform cleared after inspection morning",
              "technician reset relay lamp replaced train held minutes delay reported by control room"]),
    " ".join(["control room reported track circuit failed south junction train held minutes",
              "delay technician found axle counter disturbed cable damaged snow storm night shift",
              "battery low power supply relay reset fuse replaced lamp replaced signal aspect green",
              "cleared after inspection morning shift found water ingress junction box",
              "signal aspect red points heater failed technician replaced cable north loop siding"]),
]

NEW_FAULTS = ["signal lamp failed green aspect", "points heater frozen north loop"]


def build_tokenizer():
    vocab_dir = tempfile.mkdtemp()
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return BertTokenizer(path)


def encode(tok, texts):
    limit = int(os.environ.get("MAX_TOKENS", "48"))
    return tok(texts, truncation=True, max_length=limit, padding=True, return_tensors="pt")


@torch.no_grad()
def embed(model, tok, texts):
    batch_size = int(os.environ.get("EMBED_BATCH", "4"))
    vectors = []
    for i in range(0, len(texts), batch_size):
        enc = encode(tok, texts[i:i + batch_size])
        hidden = model(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).float()
        vectors.append((hidden * mask).sum(1) / mask.sum(1))
        print(f"embedded {i + len(texts[i:i + batch_size])}/{len(texts)} (width {enc['input_ids'].shape[1]})")
    return torch.nn.functional.normalize(torch.cat(vectors), dim=-1)


def main():
    tok = build_tokenizer()
    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=48)
    model = BertModel(config).eval()

    past = embed(model, tok, PAST_FAULTS)
    new = embed(model, tok, NEW_FAULTS)
    scores = new @ past.T
    for text, row in zip(NEW_FAULTS, scores):
        best = row.argmax().item()
        print(f"{text!r} -> {PAST_FAULTS[best][:50]!r} ({row[best]:.3f})")


if __name__ == "__main__":
    main()
