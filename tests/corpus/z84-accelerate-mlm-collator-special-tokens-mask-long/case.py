"""Masked-LM warm-up on release notes before fine-tuning, written as a plain Accelerate loop.

The masking follows BERT's 80/10/10 recipe; special tokens ([CLS], [SEP], [PAD]) are never masked.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

NOTES = [
    "fixed a crash when opening large projects",
    "the sync service now retries failed uploads",
    "added support for dark mode on windows",
    "improved search speed for big workspaces",
    "removed the legacy export dialog",
    "login tokens now expire after thirty days",
    "faster startup on older laptops",
    "fixed wrong totals in the billing report",
]


class MaskingCollator:
    def __init__(self, tokenizer, mlm_probability=0.15, max_length=24):
        self.tokenizer = tokenizer
        self.mlm_probability = mlm_probability
        self.max_length = max_length

    def __call__(self, texts):
        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_length,
                               return_special_tokens_mask=True, return_tensors="pt")
        special = batch.pop("special_tokens_mask")
        inputs, labels = self.mask_tokens(batch["input_ids"], special)
        batch["input_ids"], batch["labels"] = inputs, labels
        return batch

    def mask_tokens(self, input_ids, special):
        labels = input_ids.clone()
        probability = torch.full(labels.shape, self.mlm_probability)
        probability.masked_fill_(special, 0.0)
        chosen = torch.bernoulli(probability).bool()
        labels[~chosen] = -100
        inputs = input_ids.clone()
        to_mask = torch.bernoulli(torch.full(labels.shape, 0.8)).bool() & chosen
        inputs[to_mask] = self.tokenizer.mask_token_id
        to_random = torch.bernoulli(torch.full(labels.shape, 0.5)).bool() & chosen & ~to_mask
        inputs[to_random] = torch.randint(len(self.tokenizer), labels.shape)[to_random]
        return inputs, labels


def main():
    accelerator = Accelerator(cpu=True)
    torch.manual_seed(0)
    workdir = tempfile.mkdtemp(prefix="notes-mlm-")
    with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                           + sorted({w for n in NOTES for w in n.split()})) + "\n")
    tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))
    model = BertForMaskedLM(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                       num_attention_heads=2, intermediate_size=64, max_position_embeddings=32))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loader = DataLoader(NOTES, batch_size=4, shuffle=True, collate_fn=MaskingCollator(tokenizer))
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    model.train()
    for epoch in range(2):
        for batch in loader:
            loss = model(**batch).loss
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
        accelerator.print(f"epoch {epoch}: mlm loss {loss.item():.3f}")


if __name__ == "__main__":
    main()
