"""Crowd-label model for volunteer bird-call descriptions.

Every description was labelled by one volunteer. The classifier predicts the
true call type; a per-volunteer bias row absorbs each volunteer's habits
(some say "alarm" for everything), and is dropped at inference time.
"""
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(5)

CALL_TYPES = ["song", "alarm", "contact", "begging", "flight"]
VOLUNTEERS = ["ana", "bjorn", "chidi", "dara", "eko", "fenna", "gus", "hiro"]

RECORDS = [
    ("long warbling phrase repeated from the treetop", "song", "ana"),
    ("sharp harsh chatter when the cat appeared", "alarm", "gus"),
    ("soft tsip notes between birds in the flock", "contact", "dara"),
    ("fledgling wheezing call with fluttering wings", "begging", "hiro"),
    ("short chip given as it took off", "flight", "bjorn"),
    ("rapid scolding rattle at the hawk", "alarm", "fenna"),
    ("sweet melodic song at dawn", "song", "chidi"),
    ("quiet contact notes in the hedge", "contact", "eko"),
    ("loud begging calls from the nest", "begging", "ana"),
    ("flight call overhead thin and high", "flight", "gus"),
    ("harsh alarm chatter near the nest", "alarm", "hiro"),
    ("warbling song from the reeds", "song", "dara"),
]


@dataclass
class Example:
    text: str
    call: int
    volunteer: int


def load_examples():
    return [Example(t, CALL_TYPES.index(c), VOLUNTEERS.index(v)) for t, c, v in RECORDS]


def write_vocab():
    words = sorted({w for t, _, _ in RECORDS for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


def make_collate(tok):
    def collate(exs):
        enc = tok([e.text for e in exs], padding=True, return_tensors="pt")
        return {"text": dict(enc),
                "call": torch.tensor([e.call for e in exs]),
                "volunteer": torch.tensor([e.volunteer for e in exs])}
    return collate


class CrowdCallModel(torch.nn.Module):
    def __init__(self, vocab_size, n_calls, n_volunteers):
        super().__init__()
        self.bert = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                                         num_attention_heads=2, intermediate_size=64,
                                         max_position_embeddings=64))
        self.head = torch.nn.Linear(32, n_calls)
        self.volunteer_bias = torch.nn.Embedding(n_volunteers, n_calls)
        torch.nn.init.zeros_(self.volunteer_bias.weight)

    def forward(self, text, volunteer=None):
        true_logits = self.head(self.bert(**text).pooler_output)
        if volunteer is None:
            return true_logits
        return true_logits + self.volunteer_bias(volunteer)


def infer_dims(probe):
    """Peek at one batch to size the heads."""
    dims = {"n_calls": len(CALL_TYPES), "n_volunteers": int(probe["volunteer"].unique().numel())}
    print(f"probe batch: text width {probe['text']['input_ids'].shape[1]}, dims {dims}")
    return dims


def main():
    accelerator = Accelerator(cpu=True)
    tok = BertTokenizer(write_vocab())
    loader = DataLoader(load_examples(), batch_size=4, shuffle=True, collate_fn=make_collate(tok))

    dims = infer_dims(next(iter(loader)))
    model = CrowdCallModel(tok.vocab_size, **dims)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    model, opt, loader = accelerator.prepare(model, opt, loader)

    for epoch in range(3):
        total = 0.0
        for batch in loader:
            observed = model(batch["text"], batch["volunteer"])
            loss = F.cross_entropy(observed, batch["call"])
            accelerator.backward(loss)
            opt.step()
            opt.zero_grad()
            total += loss.item()
        accelerator.print(f"epoch {epoch}: loss {total / len(loader):.4f}")

    model.eval()
    with torch.no_grad():
        probe = next(iter(loader))
        preds = model(probe["text"]).argmax(-1)
    accelerator.print("sample predictions:", [CALL_TYPES[p] for p in preds.tolist()])


if __name__ == "__main__":
    main()
