"""Pharmacy interaction screener: flag prescription pairs that need a pharmacist review.

Each example is (drug A, drug B, patient note) -> needs_review. The three parts are
packed into one BERT input with [SEP] between them and trained with Accelerate.
"""
import os
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader
from accelerate import Accelerator
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

PAIRS = [
    ("warfarin", "aspirin", "elderly patient history of gastric bleeding", 1),
    ("metformin", "lisinopril", "type two diabetes stable kidney function", 0),
    ("simvastatin", "clarithromycin", "chest infection on long term statin", 1),
    ("amoxicillin", "paracetamol", "child with ear infection and fever", 0),
    ("sertraline", "tramadol", "back pain patient on antidepressant", 1),
    ("omeprazole", "vitamin d", "routine supplement no other medicines", 0),
    ("lithium", "ibuprofen", "bipolar disorder new knee pain", 1),
    ("levothyroxine", "salbutamol", "asthma inhaler thyroid replacement", 0),
]


@dataclass
class Encoded:
    token_ids: list
    segments: list
    flag: int


class InteractionScreener(torch.nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config)
        self.scorer = torch.nn.Linear(config.hidden_size, 1)

    def forward(self, input_ids, token_type_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, token_type_ids=token_type_ids,
                           attention_mask=attention_mask)
        return self.scorer(out.pooler_output).squeeze(-1)


def write_vocab(directory):
    words = sorted({w for a, b, note, _ in PAIRS for w in f"{a} {b} {note}".split()})
    path = os.path.join(directory, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def encode(tokenizer, drug_a, drug_b, note, flag):
    token_ids = [tokenizer.cls_token_id]
    segments = [0]
    for seg, part in enumerate((drug_a, drug_b, note)):
        piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(part)) + [tokenizer.sep_token_id]
        token_ids += piece
        segments += [seg] * len(piece)
    return Encoded(token_ids, segments, flag)


def collate(batch, pad_id):
    width = max(len(e.token_ids) for e in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    segs = torch.zeros((len(batch), width), dtype=torch.long)
    attn = torch.zeros((len(batch), width), dtype=torch.long)
    for row, e in enumerate(batch):
        n = len(e.token_ids)
        ids[row, :n] = torch.tensor(e.token_ids)
        segs[row, :n] = torch.tensor(e.segments)
        attn[row, :n] = 1
    flags = torch.tensor([e.flag for e in batch], dtype=torch.float)
    return {"input_ids": ids, "token_type_ids": segs, "attention_mask": attn}, flags


def main():
    accelerator = Accelerator(cpu=True)
    vocab_path = write_vocab(tempfile.mkdtemp(prefix="rx_"))
    tokenizer = BertTokenizer(vocab_path)

    examples = [encode(tokenizer, *row) for row in PAIRS]
    loader = DataLoader(examples, batch_size=4, shuffle=True,
                        collate_fn=lambda b: collate(b, tokenizer.pad_token_id))

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        type_vocab_size=3, hidden_dropout_prob=0.1)
    model = InteractionScreener(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = torch.nn.BCEWithLogitsLoss()

    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    accelerator.print(f"device={accelerator.device} examples={len(examples)}")

    for epoch in range(3):
        model.train()
        running = 0.0
        for features, flags in loader:
            scores = model(**features)
            loss = loss_fn(scores, flags)
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
            running += loss.item()
        accelerator.print(f"epoch {epoch}: loss {running / len(loader):.4f}")

    model.eval()
    probe = collate([encode(tokenizer, "warfarin", "ibuprofen", "elderly knee pain", 1)],
                    tokenizer.pad_token_id)[0]
    with torch.no_grad():
        risk = torch.sigmoid(model(**probe)).item()
    accelerator.print(f"review probability for warfarin + ibuprofen: {risk:.3f}")


if __name__ == "__main__":
    main()
