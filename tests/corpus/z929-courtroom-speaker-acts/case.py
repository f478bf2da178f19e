"""Classify courtroom transcript utterances into acts (question / objection / ruling / testimony).

A small BERT-style encoder reads the utterance; a learned speaker embedding is added to the
pooled [CLS] vector because the same words mean different things coming from the bench or a witness.
"""
import random
from typing import Iterator, NamedTuple

import torch
import torch.nn as nn
import torch.nn.functional as F

ACTS: list[str] = ["question", "objection", "ruling", "testimony"]
PAD, UNK, CLS = "[PAD]", "[UNK]", "[CLS]"
SEQ_LEN: int = 16

# people speaking at this hearing (case-management ids)
SPEAKER_ROSTER: list[int] = [3107, 3112, 4480, 5021]


class Utterance(NamedTuple):
    speaker_id: int
    text: str
    act: str


class Batch(NamedTuple):
    token_ids: torch.Tensor
    pad_positions: torch.Tensor
    speakers: torch.Tensor
    acts: torch.Tensor


TRANSCRIPT: list[Utterance] = [
    Utterance(4480, "where were you on the night of the ninth", "question"),
    Utterance(5021, "objection leading the witness your honour", "objection"),
    Utterance(3107, "sustained please rephrase the question", "ruling"),
    Utterance(3112, "i was at the warehouse until midnight", "testimony"),
    Utterance(4480, "did anyone see you leave the warehouse", "question"),
    Utterance(3112, "the night guard saw me at the gate", "testimony"),
    Utterance(5021, "objection hearsay", "objection"),
    Utterance(3107, "overruled the witness may answer", "ruling"),
    Utterance(4480, "how long have you known the defendant", "question"),
    Utterance(3112, "about six years we worked together", "testimony"),
    Utterance(5021, "objection relevance your honour", "objection"),
    Utterance(3107, "sustained move on counsel", "ruling"),
]


def build_vocab(texts: list[str]) -> dict[str, int]:
    words = sorted({w for t in texts for w in t.split()})
    return {tok: i for i, tok in enumerate([PAD, UNK, CLS] + words)}


def encode_text(vocab: dict[str, int], text: str) -> list[int]:
    ids = [vocab[CLS]] + [vocab.get(w, vocab[UNK]) for w in text.split()][: SEQ_LEN - 1]
    return ids + [vocab[PAD]] * (SEQ_LEN - len(ids))


def make_batch(vocab: dict[str, int], rows: list[Utterance]) -> Batch:
    token_ids = torch.tensor([encode_text(vocab, r.text) for r in rows], dtype=torch.long)
    return Batch(
        token_ids=token_ids,
        pad_positions=token_ids.eq(vocab[PAD]),
        speakers=torch.tensor([r.speaker_id for r in rows], dtype=torch.long),
        acts=torch.tensor([ACTS.index(r.act) for r in rows], dtype=torch.long),
    )


def batches(vocab: dict[str, int], rows: list[Utterance], size: int) -> Iterator[Batch]:
    order = list(range(len(rows)))
    random.shuffle(order)
    for start in range(0, len(order), size):
        yield make_batch(vocab, [rows[i] for i in order[start : start + size]])


class SpeakerAwareEncoder(nn.Module):
    def __init__(self, vocab_size: int, n_speakers: int, n_acts: int, dim: int = 32) -> None:
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos_emb = nn.Embedding(SEQ_LEN, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.speaker_emb = nn.Embedding(n_speakers, dim)
        self.head = nn.Linear(dim, n_acts)

    def forward(self, token_ids: torch.Tensor, pad_positions: torch.Tensor, speakers: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(token_ids.size(1), device=token_ids.device)
        hidden = self.tok_emb(token_ids) + self.pos_emb(positions)
        hidden = self.encoder(hidden, src_key_padding_mask=pad_positions)
        pooled = hidden[:, 0] + self.speaker_emb(speakers)
        return self.head(torch.tanh(pooled))


def train_epoch(model: nn.Module, opt: torch.optim.Optimizer, stream: Iterator[Batch]) -> float:
    model.train()
    total, steps = 0.0, 0
    for b in stream:
        logits = model(b.token_ids, b.pad_positions, b.speakers)
        loss = F.cross_entropy(logits, b.acts)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total, steps = total + loss.item(), steps + 1
    return total / max(steps, 1)


def main() -> None:
    random.seed(11)
    torch.manual_seed(11)
    vocab = build_vocab([u.text for u in TRANSCRIPT])
    model = SpeakerAwareEncoder(len(vocab), len(SPEAKER_ROSTER), len(ACTS))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    print(f"vocab={len(vocab)} speakers={len(SPEAKER_ROSTER)} utterances={len(TRANSCRIPT)}")
    for epoch in range(3):
        avg = train_epoch(model, opt, batches(vocab, TRANSCRIPT, size=4))
        print(f"epoch {epoch}: mean loss {avg:.4f}")


if __name__ == "__main__":
    main()
