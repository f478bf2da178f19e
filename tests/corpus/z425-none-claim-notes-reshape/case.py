import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import Dataset
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

FRAUD_RISK = ["low", "medium", "high"]
CHUNKS_PER_DOC = 4
CHUNK_LEN = 24

NOTE_WORDS = ("claimant adjuster called reported vehicle collision rear bumper water damage "
              "kitchen ceiling receipt photos estimate repair shop police report witness late "
              "cash only prior claim inconsistent towing rental injury clinic statement").split()


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + NOTE_WORDS) + "\n")
    return path


def make_claim_file(rng):
    n_notes = rng.randint(2, CHUNKS_PER_DOC + 2)
    notes = [" ".join(rng.choices(NOTE_WORDS, k=rng.randint(8, 30))) for _ in range(n_notes)]
    text = " ".join(notes)
    risk = min(2, (text.count("cash") + text.count("inconsistent") + text.count("prior")) // 2)
    return notes, risk


class ClaimNoteChunks(Dataset):
    """Each claim file becomes CHUNKS_PER_DOC adjuster-note chunks of CHUNK_LEN tokens (+ a chunk mask)."""

    def __init__(self, tokenizer, n_files, seed):
        rng = random.Random(seed)
        self.items = []
        for _ in range(n_files):
            notes, risk = make_claim_file(rng)
            notes = notes[:CHUNKS_PER_DOC]
            enc = tokenizer(notes, padding="max_length", truncation=True,
                            max_length=CHUNK_LEN, return_tensors="pt")
            n = len(notes)
            ids = torch.zeros(CHUNKS_PER_DOC, CHUNK_LEN, dtype=torch.long)
            att = torch.zeros(CHUNKS_PER_DOC, CHUNK_LEN, dtype=torch.long)
            ids[:n], att[:n] = enc["input_ids"], enc["attention_mask"]
            att[n:, 0] = 1  # keep empty chunks attendable (CLS slot)
            chunk_mask = torch.zeros(CHUNKS_PER_DOC)
            chunk_mask[:n] = 1.0
            self.items.append({"input_ids": ids, "attention_mask": att,
                               "chunk_mask": chunk_mask, "labels": torch.tensor(risk)})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class HierarchicalClaimModel(nn.Module):
    def __init__(self, config, num_labels):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(0.1)
        self.risk_head = nn.Linear(config.hidden_size, num_labels)
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, input_ids, attention_mask, chunk_mask, labels=None):
        batch_size, n_chunks, chunk_len = input_ids.shape
        out = self.encoder(input_ids=input_ids.view(-1, chunk_len),
                           attention_mask=attention_mask.view(-1, chunk_len))
        cls_vecs = out.last_hidden_state[:, 0]
        chunk_vecs = cls_vecs.reshape(n_chunks, batch_size, -1)
        weights = chunk_mask.unsqueeze(-1)
        doc_vec = (chunk_vecs * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)
        logits = self.risk_head(self.dropout(doc_vec))
        result = {"logits": logits}
        if labels is not None:
            result["loss"] = self.loss_fn(logits, labels)
        return result


def main():
    torch.manual_seed(0)
    workdir = tempfile.mkdtemp(prefix="claims_")
    tokenizer = BertTokenizer(write_vocab(workdir))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = HierarchicalClaimModel(config, num_labels=len(FRAUD_RISK))

    train_ds = ClaimNoteChunks(tokenizer, n_files=96, seed=1)
    eval_ds = ClaimNoteChunks(tokenizer, n_files=32, seed=2)

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        per_device_train_batch_size=8,
        per_device_eval_batch_size=8,
        num_train_epochs=1,
        learning_rate=5e-4,
        logging_steps=5,
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
        label_names=["labels"],
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds)
    trainer.train()
    print(trainer.evaluate())


if __name__ == "__main__":
    main()
