"""Fine-tune a small DistilBERT on support-ticket urgency with Accelerate (gradient accumulation) and bf16
autocast on the CPU box (torch.autocast, since the CPU runner's Accelerate config keeps mixed_precision=no).

Run: python case.py --mixed_precision bf16 --gradient_accumulation_steps 2 (the defaults).
"""
import argparse
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertTokenizer, DataCollatorWithPadding, DistilBertConfig, DistilBertForSequenceClassification


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--mixed_precision", default="bf16", choices=["no", "fp16", "bf16"])
    p.add_argument("--gradient_accumulation_steps", type=int, default=2)
    p.add_argument("--train_batch_size", type=int, default=2)
    p.add_argument("--learning_rate", type=float, default=3e-4)
    p.add_argument("--num_train_epochs", type=int, default=1)
    return p.parse_args()


TICKETS = [
    ("site is down for all customers", 1), ("please update my billing address", 0),
    ("payment page returns an error for everyone", 1), ("how do i export my invoices", 0),
    ("database is down and orders fail", 1), ("can you add a user to our team", 0),
    ("checkout fails with an error since the update", 1), ("question about the pricing page", 0),
]


def main():
    args = parse_args()
    accelerator = Accelerator(cpu=True, gradient_accumulation_steps=args.gradient_accumulation_steps)
    set_seed(13)

    # as in the diffusers examples: keep frozen weights and inputs in the compute precision
    weight_dtype = torch.float32
    if args.mixed_precision == "fp16":
        weight_dtype = torch.float16
    elif args.mixed_precision == "bf16":
        weight_dtype = torch.bfloat16

    tmp = tempfile.mkdtemp()
    words = sorted({w for text, _ in TICKETS for w in text.split()})
    with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))

    features = [dict(tokenizer(text, truncation=True, max_length=32), labels=label) for text, label in TICKETS]
    train_dataloader = DataLoader(features, batch_size=args.train_batch_size, shuffle=True,
                                  collate_fn=DataCollatorWithPadding(tokenizer))

    config = DistilBertConfig(vocab_size=len(tokenizer), dim=32, hidden_dim=64, n_layers=1, n_heads=2,
                              max_position_embeddings=64, num_labels=2, pad_token_id=tokenizer.pad_token_id)
    model = DistilBertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.learning_rate)
    model, optimizer, train_dataloader = accelerator.prepare(model, optimizer, train_dataloader)

    model.train()
    for epoch in range(args.num_train_epochs):
        for step, batch in enumerate(train_dataloader):
            with accelerator.accumulate(model), torch.autocast("cpu", dtype=weight_dtype,
                                                              enabled=weight_dtype != torch.float32):
                batch = {k: v.to(accelerator.device, dtype=weight_dtype) for k, v in batch.items()}
                outputs = model(**batch)
                accelerator.backward(outputs.loss)
                optimizer.step()
                optimizer.zero_grad()
            if accelerator.sync_gradients:
                accelerator.print(f"epoch {epoch} step {step} loss {outputs.loss.item():.4f}")


if __name__ == "__main__":
    main()
