"""Support-ticket triage: a tiny BERT classifier trained with Accelerate; tickets are tokenized per batch."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "my", "order", "never", "arrived", "please", "refund",
         "the", "app", "crashes", "when", "i", "open", "it", "and", "again", "after", "update"]
workdir = tempfile.mkdtemp()
with open(os.path.join(workdir, "vocab.txt"), "w") as f:
    f.write("\n".join(WORDS) + "\n")
tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))
MAX_POSITIONS = 24

tickets = [("my order never arrived", 0), ("please refund my order", 0),
           ("the app crashes when i open it " + "and crashes again after the update " * 3, 1),
           ("app crashes after update", 1)]


def collate(rows):
    enc = tokenizer([text for text, _ in rows], padding=True, return_tensors="pt")
    enc["labels"] = torch.tensor([label for _, label in rows])
    return enc


accelerator = Accelerator(cpu=True)
config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=MAX_POSITIONS)
model = BertForSequenceClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
model, optimizer, loader = accelerator.prepare(model, optimizer, DataLoader(tickets, batch_size=2, collate_fn=collate))
for batch in loader:
    loss = model(**batch).loss
    accelerator.backward(loss)
    optimizer.step()
    optimizer.zero_grad()
print("trained")
