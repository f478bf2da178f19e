"""DKT with packed sequences, so padding never reaches the LSTM state.

Responses are exported per classroom; we regroup them into per-student sequences,
bucket them into mini-batches and train a per-skill correctness predictor.
"""
import random
from dataclasses import dataclass, field
from itertools import chain, groupby, islice

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence


@dataclass
class Interaction:
    student: str
    order: int
    question: int
    skill: int
    correct: int


@dataclass
class Trace:
    student: str
    skills: list = field(default_factory=list)
    answers: list = field(default_factory=list)


@dataclass
class HParams:
    n_skills: int = 30
    embed: int = 32
    hidden: int = 48
    layers: int = 1
    batch_size: int = 12
    max_trace: int = 64
    epochs: int = 3
    lr: float = 1e-3
    classrooms: list = field(default_factory=lambda: ["7A", "7B", "8A", "8C"])


def classroom_export(room, hp, rng):
    q2s = {q: q % hp.n_skills for q in range(150)}
    for k in range(rng.randint(8, 14)):
        student = f"{room}-{k:02d}"
        level = rng.uniform(0.2, 0.9)
        for t in range(rng.randint(5, hp.max_trace)):
            q = rng.randrange(150)
            yield Interaction(student, t, q, q2s[q], int(rng.random() < level))


def to_traces(interactions):
    ordered = sorted(interactions, key=lambda it: (it.student, it.order))
    for student, rows in groupby(ordered, key=lambda it: it.student):
        rows = list(rows)
        yield Trace(student, [r.skill for r in rows], [r.correct for r in rows])


def make_batcher(hp):
    def collate(traces):
        traces = sorted(traces, key=lambda tr: len(tr.skills))
        lengths = torch.tensor([len(tr.skills) - 1 for tr in traces])
        x = [torch.tensor(tr.skills[:-1]) + hp.n_skills * torch.tensor(tr.answers[:-1]) + 1
             for tr in traces]
        q = [torch.tensor(tr.skills[1:]) for tr in traces]
        y = [torch.tensor(tr.answers[1:], dtype=torch.float) for tr in traces]
        return {
            "tokens": pad_sequence(x, batch_first=True),
            "next_skill": pad_sequence(q, batch_first=True),
            "target": pad_sequence(y, batch_first=True),
            "lengths": lengths,
        }

    def batches(traces, shuffle_seed=None):
        pool = list(traces)
        if shuffle_seed is not None:
            random.Random(shuffle_seed).shuffle(pool)
        it = iter(pool)
        while group := list(islice(it, hp.batch_size)):
            yield collate(group)

    return batches


class PackedDKT(nn.Module):
    def __init__(self, hp: HParams):
        super().__init__()
        self.embed = nn.Embedding(2 * hp.n_skills + 1, hp.embed, padding_idx=0)
        self.lstm = nn.LSTM(hp.embed, hp.hidden, num_layers=hp.layers, batch_first=True)
        self.proj = nn.Linear(hp.hidden, hp.n_skills)

    def forward(self, tokens, lengths, next_skill):
        packed = pack_padded_sequence(self.embed(tokens), lengths, batch_first=True)
        out, _ = self.lstm(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=tokens.size(1))
        per_skill = self.proj(out)
        return per_skill.gather(-1, next_skill.unsqueeze(-1)).squeeze(-1)


def masked_bce(logits, target, lengths):
    steps = torch.arange(target.size(1)).unsqueeze(0)
    mask = steps < lengths.unsqueeze(1)
    return F.binary_cross_entropy_with_logits(logits[mask], target[mask]), mask


def main():
    hp = HParams()
    rng = random.Random(5)
    torch.manual_seed(5)
    exports = {room: list(classroom_export(room, hp, rng)) for room in hp.classrooms}
    traces = [tr for tr in to_traces(chain.from_iterable(exports.values())) if len(tr.skills) > 1]
    held_out = {tr.student for tr in traces if tr.student.startswith("8C")}
    train = [tr for tr in traces if tr.student not in held_out]
    test = [tr for tr in traces if tr.student in held_out]
    print(f"{len(train)} train students, {len(test)} test students")

    batches = make_batcher(hp)
    model = PackedDKT(hp)
    opt = torch.optim.Adam(model.parameters(), lr=hp.lr)

    for epoch in range(hp.epochs):
        model.train()
        losses = []
        for b in batches(train, shuffle_seed=epoch):
            logits = model(b["tokens"], b["lengths"], b["next_skill"])
            loss, _ = masked_bce(logits, b["target"], b["lengths"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())

        model.eval()
        hit = n = 0
        with torch.no_grad():
            for b in batches(test):
                logits = model(b["tokens"], b["lengths"], b["next_skill"])
                _, mask = masked_bce(logits, b["target"], b["lengths"])
                hit += ((logits[mask] > 0).float() == b["target"][mask]).sum().item()
                n += mask.sum().item()
        print(f"epoch {epoch}: train bce {sum(losses) / len(losses):.4f}  test acc {hit / n:.3f}")


if __name__ == "__main__":
    main()
