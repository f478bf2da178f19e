"""Short-answer grader for a middle-school science quiz.

Student answers to "Why does ice float on water?" are labelled correct,
partially_correct or incorrect against the teacher's reference answer.
A BiLSTM reads each answer (padded/cut to a fixed length) and a position-aware
linear layer classifies it.
"""
import random

import torch
import torch.nn as nn

random.seed(11)
torch.manual_seed(11)

GRADES = ["incorrect", "partially_correct", "correct"]
ANSWER_LEN = 16

REFERENCE = "ice is less dense than water because its molecules form an open lattice"
KEY_PHRASES = ["less dense", "lattice", "hydrogen bonds", "more space"]
DISTRACTORS = ["it is cold", "it is light", "air bubbles", "it is frozen", "it is solid"]
STEMS = ["i think", "because", "the reason is", "ice floats since", "maybe"]


def synth_answers(n=90):
    rows = []
    for _ in range(n):
        hits = random.randint(0, 2)
        parts = [random.choice(STEMS)]
        parts += random.sample(KEY_PHRASES, hits)
        parts += random.sample(DISTRACTORS, 2 - hits)
        random.shuffle(parts)
        rows.append((" ".join(parts), hits))
    return rows


def build_vocab(answers):
    words = sorted({w for a in answers + [REFERENCE] for w in a.split()})
    return {w: i + 2 for i, w in enumerate(words)} | {"<pad>": 0, "<unk>": 1}


def encode(answer, vocab):
    ids = [vocab.get(w, 1) for w in answer.split()][:ANSWER_LEN]
    return ids + [0] * (ANSWER_LEN - len(ids))


class AnswerGrader(nn.Module):
    def __init__(self, vocab_size, emb_dim=24, hidden=20, n_grades=len(GRADES)):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.rnn = nn.LSTM(emb_dim, hidden, bidirectional=True)
        self.drop = nn.Dropout(0.2)
        self.classify = nn.Linear(ANSWER_LEN * 2 * hidden, n_grades)

    def forward(self, answer_ids):
        # LSTM expects (time, batch, feature)
        states, _ = self.rnn(self.emb(answer_ids.t()))
        n_answers = states.size(1)
        per_answer = states.transpose(0, 1).view(n_answers, -1)
        return self.classify(self.drop(per_answer))


def accuracy(logits, grades):
    return (logits.argmax(-1) == grades).float().mean().item()


def main():
    rows = synth_answers()
    answers = [a for a, _ in rows]
    vocab = build_vocab(answers)
    answer_ids = torch.tensor([encode(a, vocab) for a in answers])
    grades = torch.tensor([g for _, g in rows])

    split = int(0.8 * len(rows))
    train_x, dev_x = answer_ids[:split], answer_ids[split:]
    train_y, dev_y = grades[:split], grades[split:]

    grader = AnswerGrader(len(vocab))
    opt = torch.optim.Adam(grader.parameters(), lr=2e-3)
    criterion = nn.CrossEntropyLoss()

    for epoch in range(10):
        grader.train()
        order = torch.randperm(split)
        for chunk in order.split(12):
            logits = grader(train_x[chunk])
            loss = criterion(logits, train_y[chunk])
            opt.zero_grad()
            loss.backward()
            opt.step()
        grader.eval()
        with torch.no_grad():
            dev_acc = accuracy(grader(dev_x), dev_y)
        print(f"epoch {epoch}  loss {loss.item():.3f}  dev acc {dev_acc:.2f}")

    with torch.no_grad():
        sample = answer_ids[split:split + 3]
        verdicts = grader(sample).argmax(-1).tolist()
    for text, v in zip(answers[split:split + 3], verdicts):
        print(f"[{GRADES[v]:>17}] {text}")


if __name__ == "__main__":
    main()
