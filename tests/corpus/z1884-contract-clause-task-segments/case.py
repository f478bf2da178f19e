"""Multi-task contract analysis: one tiny BERT encoder, three clause-level heads.

The token-type embedding table of the encoder is reused as a learned task
embedding, so every token of a batch carries the id of the task it belongs to.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(13)
torch.manual_seed(13)

CLAUSE_TASKS = ["clause_type", "obligation", "termination_right"]
NUM_LABELS = {"clause_type": 4, "obligation": 2, "termination_right": 3}
LOSS_WEIGHTS = {"clause_type": 1.0, "obligation": 0.5, "termination_right": 0.8}

WORDS = ("the party shall not may terminate this agreement upon written notice days licensee "
         "licensor pay fees within thirty sixty confidential information disclose any third "
         "indemnify against claims be governed by laws of state delaware either material breach "
         "cure period royalty invoice audit records assign rights without consent").split()

ENCODER_SETTINGS = dict(hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, type_vocab_size=2)


def write_vocab(folder):
    path = os.path.join(folder, "contract_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return path


def fake_clause(n_words):
    return " ".join(random.choice(WORDS) for _ in range(n_words))


def make_corpus():
    sizes = {"clause_type": 48, "obligation": 30, "termination_right": 18}
    corpus = {}
    for task, n in sizes.items():
        corpus[task] = [(fake_clause(random.randint(6, 20)), random.randrange(NUM_LABELS[task]))
                        for _ in range(n)]
    return corpus


class ClauseMultiTask(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, **ENCODER_SETTINGS)
        self.encoder = BertModel(cfg)
        self.heads = nn.ModuleDict({
            t: nn.Sequential(nn.Dropout(0.1), nn.Linear(cfg.hidden_size, NUM_LABELS[t]))
            for t in CLAUSE_TASKS
        })

    def forward(self, task, batch):
        out = self.encoder(input_ids=batch["clause_ids"],
                           attention_mask=batch["clause_mask"],
                           token_type_ids=batch["task_segments"])
        pooled = out.last_hidden_state[:, 0]
        return self.heads[task](pooled)


def collate(tokenizer, task, rows):
    texts = [r[0] for r in rows]
    enc = tokenizer(texts, padding=True, truncation=True, max_length=48, return_tensors="pt")
    task_idx = CLAUSE_TASKS.index(task)
    return {
        "clause_ids": enc["input_ids"],
        "clause_mask": enc["attention_mask"],
        "task_segments": torch.full_like(enc["input_ids"], task_idx),
        "labels": torch.tensor([r[1] for r in rows]),
    }


def round_robin_batches(corpus, batch_size):
    iters = {t: list(range(0, len(rows), batch_size)) for t, rows in corpus.items()}
    longest = max(len(v) for v in iters.values())
    for i in range(longest):
        for task in CLAUSE_TASKS:
            starts = iters[task]
            s = starts[i % len(starts)]
            yield task, corpus[task][s:s + batch_size]


def main():
    workdir = tempfile.mkdtemp(prefix="contracts_")
    tokenizer = BertTokenizer(write_vocab(workdir))
    corpus = make_corpus()
    for rows in corpus.values():
        random.shuffle(rows)

    model = ClauseMultiTask(tokenizer.vocab_size)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    model.train()
    for epoch in range(2):
        step_losses = {}
        for step, (task, rows) in enumerate(round_robin_batches(corpus, batch_size=8)):
            batch = collate(tokenizer, task, rows)
            logits = model(task, batch)
            loss = LOSS_WEIGHTS[task] * F.cross_entropy(logits, batch["labels"])
            optim.zero_grad()
            loss.backward()
            optim.step()
            step_losses.setdefault(task, []).append(loss.item())
        summary = ", ".join(f"{t}={sum(v) / len(v):.3f}" for t, v in step_losses.items())
        print(f"epoch {epoch}: {summary}")

    model.eval()
    with torch.no_grad():
        for task in CLAUSE_TASKS:
            batch = collate(tokenizer, task, corpus[task][:8])
            preds = model(task, batch).argmax(-1)
            acc = (preds == batch["labels"]).float().mean().item()
            print(f"{task}: train-acc {acc:.2f}")


if __name__ == "__main__":
    main()
