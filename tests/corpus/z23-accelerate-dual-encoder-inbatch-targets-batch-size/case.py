"""Dense passage retrieval: a question encoder and a passage encoder trained with in-batch negatives (Accelerate)."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
BATCH_SIZE = 4
TEMPERATURE = 0.05

qa_pairs = [
    ("how do i reset my password", "open settings and choose reset password"),
    ("where is my invoice", "invoices are listed under billing history"),
    ("can i change my plan", "plans can be changed on the billing page"),
    ("how do i delete my account", "account deletion is under privacy settings"),
    ("why was my card declined", "a card is declined when the bank blocks the payment"),
    ("how do i add a user", "admins add users from the team page"),
    ("is there a mobile app", "the mobile app is available for ios and android"),
]

words = sorted({w for q, p in qa_pairs for w in (q + " " + p).split()})
tmpdir = tempfile.mkdtemp()
with open(os.path.join(tmpdir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(tmpdir, "vocab.txt"))


class BiEncoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.q_encoder = BertModel(config)
        self.p_encoder = BertModel(config)

    @staticmethod
    def cls(encoder, enc):
        return encoder(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state[:, 0]

    def forward(self, questions, passages):
        q = F.normalize(self.cls(self.q_encoder, questions), dim=-1)
        p = F.normalize(self.cls(self.p_encoder, passages), dim=-1)
        return q @ p.T / TEMPERATURE


def collate(rows):
    questions = tokenizer([q for q, _ in rows], padding=True, truncation=True, max_length=32, return_tensors="pt")
    passages = tokenizer([p for _, p in rows], padding=True, truncation=True, max_length=32, return_tensors="pt")
    return questions, passages


config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64)
accelerator = Accelerator(cpu=True)
model = BiEncoder(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-4)
loader = DataLoader(qa_pairs, batch_size=BATCH_SIZE, shuffle=True, collate_fn=collate)
model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

targets = torch.arange(BATCH_SIZE, device=accelerator.device)
for epoch in range(2):
    model.train()
    for questions, passages in loader:
        scores = model(questions, passages)
        loss = F.cross_entropy(scores, targets)
        accelerator.backward(loss)
        optimizer.step()
        optimizer.zero_grad()
    accelerator.print(f"epoch {epoch}: loss {loss.item():.3f}")
