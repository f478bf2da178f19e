"""Multi-task contract analysis: party/date/amount tagging + clause-type classification
on top of one shared BERT encoder."""
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(0)
torch.manual_seed(0)

ENTITY_TAGS = ["O", "B-PARTY", "I-PARTY", "B-DATE", "B-AMOUNT"]
CLAUSE_TYPES = ["payment", "termination", "confidentiality"]

TAGGING_DATA = [
    (["the", "supplier", "acme", "corp", "shall", "pay", "5000", "dollars"], [0, 0, 1, 2, 0, 0, 4, 0]),
    (["this", "agreement", "ends", "on", "june", "30"], [0, 0, 0, 0, 3, 3]),
    (["globex", "ltd", "receives", "1200", "monthly"], [1, 2, 0, 4, 0]),
    (["payment", "is", "due", "before", "march", "1"], [0, 0, 0, 0, 3, 3]),
    (["initech", "shall", "keep", "records"], [1, 0, 0, 0]),
    (["the", "buyer", "acme", "corp", "owes", "300"], [0, 0, 1, 2, 0, 4]),
]
CLAUSE_DATA = [
    (["the", "buyer", "shall", "pay", "within", "thirty", "days"], 0),
    (["either", "party", "may", "terminate", "this", "agreement"], 1),
    (["all", "records", "remain", "confidential"], 2),
    (["payment", "is", "due", "monthly"], 0),
    (["this", "agreement", "ends", "on", "notice"], 1),
    (["the", "supplier", "shall", "keep", "records", "confidential"], 2),
    (["globex", "ltd", "may", "terminate", "on", "notice"], 1),
    (["initech", "shall", "pay", "1200", "dollars"], 0),
    (["confidential", "records", "remain", "with", "the", "buyer"], 2),
    (["acme", "corp", "may", "terminate", "within", "thirty", "days"], 1),
]


def build_tokenizer(tmp_dir):
    words = sorted({w for ws, _ in TAGGING_DATA + CLAUSE_DATA for w in ws})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(tmp_dir, "contract_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


def collate_tagging(tokenizer, rows):
    sentences = [ws for ws, _ in rows]
    enc = tokenizer(sentences, is_split_into_words=True, padding=True, return_tensors="pt")
    longest = max(len(ws) for ws in sentences)
    tag_ids = torch.full((len(rows), longest), -100, dtype=torch.long)
    for i, (_, tags) in enumerate(rows):
        tag_ids[i, : len(tags)] = torch.tensor(tags)
    return {"task": "entities", "enc": enc, "targets": tag_ids}


def collate_clauses(tokenizer, rows):
    enc = tokenizer([ws for ws, _ in rows], is_split_into_words=True, padding=True, return_tensors="pt")
    return {"task": "clause_type", "enc": enc, "targets": torch.tensor([y for _, y in rows])}


class ContractMultiTask(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.heads = nn.ModuleDict({
            "entities": nn.Linear(cfg.hidden_size, len(ENTITY_TAGS)),
            "clause_type": nn.Linear(cfg.hidden_size, len(CLAUSE_TYPES)),
        })

    def forward(self, task, enc):
        hidden = self.encoder(input_ids=enc["input_ids"],
                              attention_mask=enc["attention_mask"]).last_hidden_state
        if task == "entities":
            return self.heads[task](hidden)
        return self.heads[task](hidden[:, 0])


def task_loss(task, logits, targets):
    if task == "entities":
        n_tags = logits.size(-1)
        return F.cross_entropy(logits.reshape(-1, n_tags), targets.reshape(-1), ignore_index=-100)
    return F.cross_entropy(logits, targets)


def sample_batches(tokenizer, batch_size, steps):
    # the clause set is larger, so draw it proportionally more often
    sizes = {"entities": len(TAGGING_DATA), "clause_type": len(CLAUSE_DATA)}
    total = sum(sizes.values())
    for _ in range(steps):
        task = random.choices(list(sizes), weights=[sizes[t] / total for t in sizes])[0]
        if task == "entities":
            yield collate_tagging(tokenizer, random.sample(TAGGING_DATA, batch_size))
        else:
            yield collate_clauses(tokenizer, random.sample(CLAUSE_DATA, batch_size))


def main():
    with tempfile.TemporaryDirectory() as tmp_dir:
        tokenizer = build_tokenizer(tmp_dir)
    model = ContractMultiTask(len(tokenizer))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_weights = {"entities": 1.0, "clause_type": 0.5}

    model.train()
    running = {t: 0.0 for t in loss_weights}
    for step, batch in enumerate(sample_batches(tokenizer, batch_size=3, steps=20)):
        logits = model(batch["task"], batch["enc"])
        loss = loss_weights[batch["task"]] * task_loss(batch["task"], logits, batch["targets"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running[batch["task"]] += loss.item()
        if step % 5 == 4:
            print(f"step {step + 1}: " + ", ".join(f"{t}={v:.3f}" for t, v in running.items()))
            running = {t: 0.0 for t in loss_weights}


if __name__ == "__main__":
    main()
