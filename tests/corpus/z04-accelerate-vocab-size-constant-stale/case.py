"""Contract-clause classifier on a tiny BERT, trained with Accelerate; the vocabulary was extended with legal terms."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
BASE_VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "shall", "pay", "within", "days", "party",
              "may", "terminate", "this", "agreement", "notice", "written", "of", "any", "breach"]
LEGAL_TERMS = ["plaintiff", "defendant", "indemnify", "affidavit", "estoppel"]
VOCAB_SIZE = 20  # size of the vocabulary the config was written for
CLAUSES = ["payment", "termination", "liability"]

workdir = tempfile.mkdtemp()
with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(BASE_VOCAB + LEGAL_TERMS) + "\n")
tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))

train_rows = [("the party shall pay within days", "payment"),
              ("any party may terminate this agreement", "termination"),
              ("the defendant shall indemnify the plaintiff", "liability"),
              ("written notice of any breach", "termination")]


def collate(rows):
    enc = tokenizer([text for text, _ in rows], padding=True, truncation=True, max_length=16, return_tensors="pt")
    enc["labels"] = torch.tensor([CLAUSES.index(label) for _, label in rows])
    return enc


accelerator = Accelerator(cpu=True)
config = BertConfig(vocab_size=VOCAB_SIZE, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=37, max_position_embeddings=32, num_labels=len(CLAUSES))
model = BertForSequenceClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
train_loader = DataLoader(train_rows, batch_size=2, collate_fn=collate)
model, optimizer, train_loader = accelerator.prepare(model, optimizer, train_loader)

model.train()
for epoch in range(2):
    for batch in train_loader:
        loss = model(**batch).loss
        accelerator.backward(loss)
        optimizer.step()
        optimizer.zero_grad()
    accelerator.print(f"epoch {epoch} done")
