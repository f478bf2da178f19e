import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

INTENT_LABELS = ["book_flight", "flight_status", "change_seat", "baggage_info"]
SLOT_LABELS = ["O", "B-from", "B-to", "B-date", "B-flight_no", "B-seat"]

QUERIES = [
    ("book a flight from boston to denver on friday", "book_flight",
     "O O O O B-from O B-to O B-date"),
    ("is flight 245 on time", "flight_status", "O O B-flight_no O O"),
    ("move me to an aisle seat", "change_seat", "O O O O B-seat O"),
    ("how many bags can i check", "baggage_info", "O O O O O O"),
    ("fly me to seattle tomorrow", "book_flight", "O O O B-to B-date"),
    ("status of flight 88 from miami", "flight_status", "O O O B-flight_no O B-from"),
]


def write_vocab(where):
    tokens = sorted({w for text, _, _ in QUERIES for w in text.split()})
    path = os.path.join(where, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + tokens) + "\n")
    return path


def encode_queries(tok, rows):
    words = [text.split() for text, _, _ in rows]
    enc = tok(words, is_split_into_words=True, padding=True, return_tensors="pt")
    slot_rows = []
    for i, (_, _, tag_str) in enumerate(rows):
        tags = tag_str.split()
        row = []
        for wid in enc.word_ids(i):
            if wid is None:
                row.append(-100)
            else:
                row.append(SLOT_LABELS.index(tags[wid]))
        slot_rows.append(row)
    intent_tgt = torch.tensor([INTENT_LABELS.index(intent) for _, intent, _ in rows])
    return enc, intent_tgt, torch.tensor(slot_rows)


class IntentConditionedTagger(nn.Module):
    """Predict the intent first, then tag slots with the intent embedding as extra context."""

    def __init__(self, cfg, n_intents, n_slots, intent_dim=16):
        super().__init__()
        self.backbone = BertModel(cfg, add_pooling_layer=False)
        self.intent_clf = nn.Linear(cfg.hidden_size, n_intents)
        self.intent_table = nn.Embedding(n_intents, intent_dim)
        self.slot_clf = nn.Sequential(
            nn.Linear(cfg.hidden_size + intent_dim, cfg.hidden_size),
            nn.GELU(),
            nn.Linear(cfg.hidden_size, n_slots),
        )

    def forward(self, enc, gold_intent=None):
        token_states = self.backbone(**enc).last_hidden_state
        intent_logits = self.intent_clf(token_states[:, 0])
        chosen = gold_intent if gold_intent is not None else intent_logits.argmax(-1)
        intent_ctx = self.intent_table(chosen)
        fused = torch.cat([token_states, intent_ctx], dim=-1)
        return intent_logits, self.slot_clf(fused)


def main():
    tok = BertTokenizer(write_vocab(tempfile.mkdtemp()))
    cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    tagger = IntentConditionedTagger(cfg, len(INTENT_LABELS), len(SLOT_LABELS))
    opt = torch.optim.Adam(tagger.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)

    enc, intent_tgt, slot_tgt = encode_queries(tok, QUERIES)
    print("encoded batch:", tuple(enc["input_ids"].shape))

    for epoch in range(5):
        tagger.train()
        intent_logits, slot_logits = tagger(enc, gold_intent=intent_tgt)
        intent_loss = loss_fn(intent_logits, intent_tgt)
        slot_loss = loss_fn(slot_logits.flatten(0, 1), slot_tgt.flatten())
        total = intent_loss + slot_loss
        opt.zero_grad()
        total.backward()
        opt.step()
        print(f"epoch {epoch} intent {intent_loss.item():.3f} slots {slot_loss.item():.3f}")

    tagger.eval()
    with torch.no_grad():
        intent_logits, slot_logits = tagger(enc)
    pred_intents = intent_logits.argmax(-1)
    print("intent acc:", (pred_intents == intent_tgt).float().mean().item())
    first = slot_logits[0].argmax(-1).tolist()
    print("slots for first query:", [SLOT_LABELS[k] for k in first])


if __name__ == "__main__":
    main()
