"""Prompt tuning for product-review sentiment: a frozen tiny BERT, a trainable
soft prompt initialised from the embeddings of a task description, and a small
linear head on the [CLS] position."""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

TASK_DESCRIPTION = "rate the sentiment of this product review"
REVIEW_WORDS = [
    "the", "this", "of", "product", "review", "rate", "is", "was", "it", "and",
    "great", "terrible", "love", "hate", "battery", "screen", "broke", "after",
    "two", "days", "works", "perfectly", "cheap", "plastic", "fast", "shipping",
    "would", "not", "buy", "again", "very", "happy", "sent", "##iment",
]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

REVIEWS = [
    ("great product and fast shipping", 1),
    ("the screen broke after two days", 0),
    ("love it , works perfectly", 1),
    ("cheap plastic , would not buy again", 0),
    ("very happy with this battery", 1),
    ("terrible , hate it", 0),
]


def build_tokenizer(workdir):
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(SPECIALS + REVIEW_WORDS + [","]) + "\n")
    return BertTokenizer(vocab_path)


class SoftPromptClassifier(nn.Module):
    def __init__(self, backbone, prompt_init_ids, n_classes):
        super().__init__()
        self.backbone = backbone
        for p in self.backbone.parameters():
            p.requires_grad = False
        word_emb = backbone.embeddings.word_embeddings
        with torch.no_grad():
            init = word_emb(prompt_init_ids).clone()
        self.soft_prompt = nn.Parameter(init)
        self.head = nn.Linear(backbone.config.hidden_size, n_classes)

    def forward(self, token_ids, attn):
        tok_emb = self.backbone.embeddings.word_embeddings(token_ids)
        prompt = self.soft_prompt.unsqueeze(0).expand(tok_emb.size(0), -1, -1)
        # keep [CLS] first, then the virtual tokens, then the review
        embeds = torch.cat([tok_emb[:, :1], prompt, tok_emb[:, 1:]], dim=1)
        out = self.backbone(inputs_embeds=embeds, attention_mask=attn)
        return self.head(out.last_hidden_state[:, 0])


def collate(batch, tokenizer, n_virtual):
    texts = [t for t, _ in batch]
    enc = tokenizer(texts, padding=True, return_tensors="pt")
    bsz = enc["input_ids"].size(0)
    prompt_mask = torch.ones(bsz, n_virtual, dtype=enc["attention_mask"].dtype)
    attn = torch.cat(
        [enc["attention_mask"][:, :1], prompt_mask, enc["attention_mask"][:, 1:]], dim=1
    )
    polarity = torch.tensor([y for _, y in batch])
    return enc["input_ids"], attn, polarity


def main():
    workdir = tempfile.mkdtemp()
    tokenizer = build_tokenizer(workdir)
    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
    )
    backbone = BertModel(cfg)

    prompt_init_ids = torch.tensor(
        tokenizer(TASK_DESCRIPTION, add_special_tokens=False)["input_ids"]
    )
    model = SoftPromptClassifier(backbone, prompt_init_ids, n_classes=2)
    n_virtual = len(TASK_DESCRIPTION.split())
    print(f"soft prompt: {n_virtual} virtual tokens")

    trainable = [p for p in model.parameters() if p.requires_grad]
    print(f"trainable params: {sum(p.numel() for p in trainable)}")
    optim = torch.optim.AdamW(trainable, lr=5e-3)
    loss_fn = nn.CrossEntropyLoss()

    batch_size = 3
    for epoch in range(3):
        total = 0.0
        for start in range(0, len(REVIEWS), batch_size):
            chunk = REVIEWS[start:start + batch_size]
            token_ids, attn, polarity = collate(chunk, tokenizer, n_virtual)
            logits = model(token_ids, attn)
            loss = loss_fn(logits, polarity)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.4f}")

    model.eval()
    with torch.no_grad():
        token_ids, attn, polarity = collate(REVIEWS, tokenizer, n_virtual)
        preds = model(token_ids, attn).argmax(-1)
    print("accuracy:", (preds == polarity).float().mean().item())


if __name__ == "__main__":
    main()
