"""Urgency triage for veterinary phone dialogues.

Each dialogue is flattened into one sequence; every turn's tokens carry the
speaker role as their segment id so the encoder knows who said what.
Dialogues are streamed clinic by clinic and bucketed by flattened length.
"""
import itertools
import os
import tempfile

import torch
from torch.utils.data import IterableDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(21)

ROLE_IDS = {"owner": 0, "nurse": 1, "vet": 2, "pharmacy": 3}
URGENCY = ["routine", "soon", "emergency"]

CLINIC_A = [
    ([("owner", "my cat is sneezing a bit"), ("nurse", "is she eating normally")], 0),
    ([("owner", "dog ate chocolate an hour ago"), ("nurse", "how much and what size is the dog")], 2),
    ([("owner", "rabbit not eating since yesterday")], 1),
]
CLINIC_B = [
    ([("owner", "puppy limping on back leg"), ("nurse", "any swelling"), ("vet", "bring him in this afternoon")], 1),
    ([], 0),
    ([("owner", "need a refill of the heart tablets"), ("pharmacy", "ready tomorrow morning")], 0),
    ([("owner", "dog collapsed and gums are pale"), ("vet", "come straight in now")], 2),
]

WORDS = sorted({w for d, _ in CLINIC_A + CLINIC_B for _, text in d for w in text.split()})


def vet_tokenizer():
    folder = tempfile.mkdtemp(prefix="triage_")
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return BertTokenizer(vocab_path)


class TriageCalls(IterableDataset):
    def __init__(self, clinics, tok):
        self.clinics = clinics
        self.tok = tok

    def flatten(self, turns):
        ids, seg = [self.tok.cls_token_id], [0]
        for role, text in turns:
            piece = self.tok.encode(text, add_special_tokens=False) + [self.tok.sep_token_id]
            ids += piece
            seg += [ROLE_IDS[role]] * len(piece)
        return ids, seg

    def __iter__(self):
        calls = filter(lambda c: len(c[0]) > 0, itertools.chain.from_iterable(self.clinics))
        for turns, urgency in calls:
            ids, seg = self.flatten(turns)
            yield {"ids": ids, "seg": seg, "roles": {r for r, _ in turns}, "y": urgency}


def peek(stream, n=3):
    it = iter(stream)
    front = list(itertools.islice(it, n))
    return front, itertools.chain(front, it)


def length_batches(stream, size=2, window=4):
    it = iter(stream)
    while True:
        pool = sorted(itertools.islice(it, window), key=lambda c: len(c["ids"]))
        if not pool:
            break
        for _, grp in itertools.groupby(enumerate(pool), key=lambda kv: kv[0] // size):
            yield [c for _, c in grp]


def pad(calls, pad_id):
    L = max(len(c["ids"]) for c in calls)
    fill = lambda seq, v: seq + [v] * (L - len(seq))
    return {
        "input_ids": torch.tensor([fill(c["ids"], pad_id) for c in calls]),
        "token_type_ids": torch.tensor([fill(c["seg"], 0) for c in calls]),
        "attention_mask": torch.tensor([fill([1] * len(c["ids"]), 0) for c in calls]),
        "labels": torch.tensor([c["y"] for c in calls]),
    }


def trainer(model, batches, optimizer):
    model.train()
    for n, batch in enumerate(batches):
        loss = model(**batch).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        yield n, batch["input_ids"].shape[1], loss.item()


def main():
    tok = vet_tokenizer()
    front, calls = peek(TriageCalls([CLINIC_A, CLINIC_B], tok))
    roles_in_front = set().union(*(c["roles"] for c in front))
    print("speaker roles in first calls:", sorted(roles_in_front))

    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        type_vocab_size=len(roles_in_front), num_labels=len(URGENCY))
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-4)

    batches = (pad(b, tok.pad_token_id) for b in length_batches(calls))
    for n, width, loss in trainer(model, batches, optimizer):
        print(f"[{n}] width={width:2d} loss={loss:.4f}")
    print("triage model trained")


if __name__ == "__main__":
    main()
