import os
import tempfile

import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(11)

ROCK_TYPES = ["igneous", "sedimentary", "metamorphic"]
FIELD_NOTES = [
    ("coarse crystals of quartz and feldspar cooled slowly deep underground", 0),
    ("dark glassy surface with gas bubbles from a lava flow", 0),
    ("fine layers of sand grains cemented together near the old river bed", 1),
    ("contains shell fragments and fizzes with acid", 1),
    ("thin bands of clay pressed into layers", 1),
    ("foliated sheets of mica that split along planes under pressure", 2),
    ("banded minerals squeezed and folded by heat", 2),
    ("sugary texture of recrystallized calcite with no fossils", 2),
]


def build_tokenizer():
    words = sorted({w for text, _ in FIELD_NOTES for w in text.split()})
    folder = tempfile.mkdtemp(prefix="rock_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def pretokenize(tokenizer, notes, max_length=20):
    examples = []
    for text, label in notes:
        enc = tokenizer(text, padding="max_length", truncation=True, max_length=max_length)
        examples.append({"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"], "label": label})
    return examples


class CappedCollator:
    def __init__(self, cap, pad_id):
        self.cap = cap
        self.pad_id = pad_id

    def __call__(self, batch):
        ids_rows = [torch.tensor(ex["input_ids"][:self.cap]) for ex in batch]
        mask_rows = [torch.tensor(ex["attention_mask"][:self.cap]) for ex in batch]
        return {
            "input_ids": pad_sequence(ids_rows, batch_first=True, padding_value=self.pad_id),
            "attention_mask": pad_sequence(mask_rows, batch_first=True, padding_value=0),
            "labels": torch.tensor([ex["label"] for ex in batch]),
        }


def main():
    tokenizer = build_tokenizer()
    examples = pretokenize(tokenizer, FIELD_NOTES)
    print(f"{len(examples)} field notes, vocab {len(tokenizer)}, stored length {len(examples[0]['input_ids'])}")

    config = BertConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
        intermediate_size=64, max_position_embeddings=32, num_labels=len(ROCK_TYPES),
    )
    model = BertForSequenceClassification(config)
    loader = DataLoader(examples, batch_size=4, shuffle=True,
                        collate_fn=CappedCollator(cap=12, pad_id=tokenizer.pad_token_id))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-3)

    model.train()
    for epoch in range(6):
        losses = []
        for batch in loader:
            out = model(**batch)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            losses.append(out.loss.item())
        print(f"epoch {epoch}: mean loss {sum(losses) / len(losses):.4f}")

    model.eval()
    probe = tokenizer(["fine layers of shell fragments"], return_tensors="pt")
    with torch.no_grad():
        guess = model(**probe).logits.argmax(-1).item()
    print(f"probe sample looks {ROCK_TYPES[guess]}")


if __name__ == "__main__":
    main()
