"""FAQ retrieval: train a shared BERT bi-encoder with in-batch negatives, launched with `accelerate launch`.

The contrastive loss lives in our losses module (pasted below); it was written for the single-GPU box.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

# ---- losses.py ---------------------------------------------------------------------------------------------
TRAIN_DEVICE = torch.device("meta")   # torch.device("cuda") on the training box; meta stands in for it here


class InBatchNegativesLoss(nn.Module):
    def __init__(self, scale=20.0, device=TRAIN_DEVICE):
        super().__init__()
        self.scale = scale
        self.device = device

    def forward(self, query_emb, doc_emb):
        scores = F.normalize(query_emb, dim=-1) @ F.normalize(doc_emb, dim=-1).T * self.scale
        targets = torch.arange(scores.size(0), device=scores.device)   # the i-th doc answers the i-th query
        return F.cross_entropy(scores, targets)
# ------------------------------------------------------------------------------------------------------------

FAQ = [
    ("how do i reset my password", "use the forgot password link on the login page"),
    ("where can i see my invoices", "invoices are listed under billing in your profile"),
    ("can i change my delivery address", "edit the address in the order page before it ships"),
    ("how long does shipping take", "orders arrive within three to five working days"),
    ("do you ship abroad", "we deliver to most countries in europe"),
    ("how do i cancel my subscription", "open settings and choose cancel subscription"),
]


def main():
    accelerator = Accelerator(cpu=True)
    workdir = tempfile.mkdtemp(prefix="faq-")
    words = sorted({w for q, a in FAQ for w in f"{q} {a}".split()})
    with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))

    def collate(pairs):
        queries, answers = zip(*pairs)
        q = tokenizer(list(queries), padding=True, truncation=True, max_length=32, return_tensors="pt")
        d = tokenizer(list(answers), padding=True, truncation=True, max_length=32, return_tensors="pt")
        return q, d

    torch.manual_seed(0)
    encoder = BertModel(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2,
                                   num_attention_heads=2, intermediate_size=64, max_position_embeddings=64))
    criterion = InBatchNegativesLoss()
    optimizer = torch.optim.AdamW(encoder.parameters(), lr=5e-4)
    loader = DataLoader(FAQ, batch_size=3, shuffle=True, collate_fn=collate)
    encoder, optimizer, loader = accelerator.prepare(encoder, optimizer, loader)

    encoder.train()
    for epoch in range(2):
        for q, d in loader:
            query_emb = encoder(**q).last_hidden_state[:, 0]
            doc_emb = encoder(**d).last_hidden_state[:, 0]
            loss = criterion(query_emb, doc_emb)
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
        accelerator.print(f"epoch {epoch}: loss {loss.item():.3f}")


if __name__ == "__main__":
    main()
