# Hive inspection notes -> colony condition, small BERT trained with accelerate.
# Batches are tiny on the laptop so we accumulate gradients over 2 steps.
import functools
import os
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader, Dataset
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

# keep this list in the same order as the field app's dropdown
CONDITIONS = ["healthy", "queenless", "varroa", "chalkbrood", "swarming", "starving"]

TRAIN = [
    ("brood pattern solid and queen seen on frame four", "healthy"),
    ("calm colony plenty of capped honey and pollen", "healthy"),
    ("no eggs no young larvae and bees roaring", "queenless"),
    ("emergency queen cells on two frames no queen seen", "queenless"),
    ("mites seen on drones and deformed wings on workers", "varroa"),
    ("sugar roll count of twelve mites per hundred bees", "varroa"),
    ("many queen cells along bottom bars and colony crowded", "swarming"),
    ("bees hanging outside entrance and queen cells capped", "swarming"),
    ("no stores left and bees head first in cells", "starving"),
    ("light hive on hefting and dead bees on floor", "starving"),
    ("queen seen eggs present brood healthy", "healthy"),
    ("mites on sticky board after treatment still high", "varroa"),
]


@dataclass
class InspectionNote:
    text: str
    condition: str


class NotesDataset(Dataset):
    def __init__(self, notes, label_index):
        self.notes = notes
        self.label_index = label_index

    def __len__(self):
        return len(self.notes)

    def __getitem__(self, i):
        note = self.notes[i]
        return note.text, self.label_index[note.condition]


def collate(batch, tokenizer):
    texts, conds = zip(*batch)
    enc = tokenizer(list(texts), padding=True, truncation=True, max_length=32, return_tensors="pt")
    enc["labels"] = torch.tensor(conds, dtype=torch.long)
    return enc


def build_tokenizer(texts):
    tmp = tempfile.mkdtemp(prefix="hive_")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab += sorted({w for t in texts for w in t.lower().split()})
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(vocab))
    return BertTokenizer(path)


def main():
    set_seed(11)
    accelerator = Accelerator(cpu=True, gradient_accumulation_steps=2)

    notes = [InspectionNote(t, c) for t, c in TRAIN]
    tokenizer = build_tokenizer([n.text for n in notes])
    label_index = {c: i for i, c in enumerate(CONDITIONS)}

    seen = sorted({n.condition for n in notes})
    accelerator.print(f"conditions in training data: {seen}")

    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
        num_labels=len(CONDITIONS),
    )
    model = BertForSequenceClassification(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    loader = DataLoader(
        NotesDataset(notes, label_index), batch_size=2, shuffle=True,
        collate_fn=functools.partial(collate, tokenizer=tokenizer),
    )
    model, optim, loader = accelerator.prepare(model, optim, loader)

    model.train()
    for epoch in range(2):
        running = 0.0
        for step, batch in enumerate(loader):
            with accelerator.accumulate(model):
                out = model(**batch)
                accelerator.backward(out.loss)
                optim.step()
                optim.zero_grad()
            running += out.loss.item()
            if accelerator.sync_gradients:
                accelerator.print(f"epoch {epoch} step {step} loss {running / (step + 1):.4f}")
        accelerator.print(f"epoch {epoch} mean loss {running / len(loader):.4f}")

    accelerator.wait_for_everyone()
    accelerator.print("finished")


if __name__ == "__main__":
    main()
