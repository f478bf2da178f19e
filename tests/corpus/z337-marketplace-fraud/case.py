import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(0)
torch.manual_seed(0)

WORDS = ("brand new sealed iphone cheap price fast shipping original box genuine leather bag "
         "vintage watch rolex replica wire transfer only contact whatsapp sneakers size used "
         "good condition discount bulk lot authentic gift card paypal friends family").split()

HPARAMS = {
    "text_hidden": 48,
    "seller_feats": 5,       # per-order features: price ratio, days since signup, refunds, msgs, rating
    "seller_hidden": 32,
    "max_len": 24,
    "batch_size": 8,
    "lr": 2e-4,
    "steps": 12,
}


def build_tokenizer(workdir):
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return BertTokenizer(vocab_path)


def synth_listing():
    fraud = random.random() < 0.3
    n = random.randint(5, 16)
    title = " ".join(random.choice(WORDS) for _ in range(n))
    n_orders = random.randint(3, 10)
    history = torch.randn(n_orders, HPARAMS["seller_feats"]) + (0.8 if fraud else 0.0)
    return title, history, int(fraud)


class SellerHistoryEncoder(nn.Module):
    def __init__(self, n_feats, hidden):
        super().__init__()
        self.gru = nn.GRU(n_feats, hidden, batch_first=True, bidirectional=True)

    def forward(self, hist, hist_mask):
        out, _ = self.gru(hist)
        out = out * hist_mask.unsqueeze(-1)
        return out.sum(1) / hist_mask.sum(1, keepdim=True)


class ListingFraudModel(nn.Module):
    def __init__(self, text_cfg, hp):
        super().__init__()
        self.text = BertModel(text_cfg, add_pooling_layer=False)
        self.seller = SellerHistoryEncoder(hp["seller_feats"], hp["seller_hidden"])
        fused = text_cfg.hidden_size + hp["seller_hidden"]
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(fused, 2)

    def forward(self, input_ids, attention_mask, hist, hist_mask):
        cls = self.text(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state[:, 0]
        seller_vec = self.seller(hist, hist_mask)
        fused = torch.cat([cls, seller_vec], dim=-1)
        return self.head(self.dropout(fused))


def collate(items, tokenizer):
    titles, hists, labels = zip(*items)
    enc = tokenizer(list(titles), padding=True, truncation=True,
                    max_length=HPARAMS["max_len"], return_tensors="pt")
    longest = max(h.size(0) for h in hists)
    hist = torch.zeros(len(hists), longest, HPARAMS["seller_feats"])
    hist_mask = torch.zeros(len(hists), longest)
    for i, h in enumerate(hists):
        hist[i, : h.size(0)] = h
        hist_mask[i, : h.size(0)] = 1.0
    return enc["input_ids"], enc["attention_mask"], hist, hist_mask, torch.tensor(labels)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer = build_tokenizer(tmp)
        text_cfg = BertConfig(
            vocab_size=tokenizer.vocab_size,
            hidden_size=HPARAMS["text_hidden"],
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=96,
            max_position_embeddings=64,
        )
        model = ListingFraudModel(text_cfg, HPARAMS)
        optim = torch.optim.AdamW(model.parameters(), lr=HPARAMS["lr"])

        listings = [synth_listing() for _ in range(HPARAMS["batch_size"] * HPARAMS["steps"])]
        model.train()
        for step in range(HPARAMS["steps"]):
            chunk = listings[step * HPARAMS["batch_size"]:(step + 1) * HPARAMS["batch_size"]]
            input_ids, attn, hist, hist_mask, labels = collate(chunk, tokenizer)
            logits = model(input_ids, attn, hist, hist_mask)
            loss = F.cross_entropy(logits, labels)
            optim.zero_grad()
            loss.backward()
            optim.step()
            if step % 4 == 0:
                print(f"step {step:3d}  loss {loss.item():.4f}")
    print("done")


if __name__ == "__main__":
    main()
