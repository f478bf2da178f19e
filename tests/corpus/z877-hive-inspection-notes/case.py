# hive inspection notes -> colony status classifier
# training loop adapted from the accelerate quicktour, tokenizer bits from the transformers docs
import os
import random
import tempfile
from functools import partial

import torch
from torch.utils.data import DataLoader
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(3)
random.seed(3)

STATUS = ["thriving", "needs_treatment", "queenless"]

inspection_notes = [
    ("strong flow , [BROOD] solid on eight frames , calm bees", "thriving"),
    ("[QUEEN] seen on frame four , eggs present , supers filling", "thriving"),
    ("capped honey on outer frames , [BROOD] pattern tight", "thriving"),
    ("mite drop high on board , [VARROA] count above threshold", "needs_treatment"),
    ("deformed wings on young bees , [VARROA] suspected", "needs_treatment"),
    ("chalky larvae in cells , spotty [BROOD] , treat soon", "needs_treatment"),
    ("no eggs no larvae , roaring colony , [QUEEN] missing", "queenless"),
    ("laying workers , multiple eggs per cell , no [QUEEN] found", "queenless"),
    ("emergency cells drawn , [BROOD] absent on all frames", "queenless"),
]

# domain markers the inspectors use in the app
domain_tokens = ["[BROOD]", "[QUEEN]", "[VARROA]"]


def build_tokenizer(notes):
    workdir = tempfile.mkdtemp(prefix="apiary_")
    words = sorted({w for text, _ in notes for w in text.split() if w not in domain_tokens})
    vocab_file = os.path.join(workdir, "vocab.txt")
    with open(vocab_file, "w") as f:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            f.write(tok + "\n")
    tok = BertTokenizer(vocab_file, do_lower_case=True)
    # from the docs: add new tokens so they are not split into pieces
    num_added_toks = tok.add_tokens(domain_tokens, special_tokens=True)
    print(f"We have added {num_added_toks} tokens")
    return tok


def collate(examples, tokenizer, max_length=48):
    texts = [t for t, _ in examples]
    batch = tokenizer(texts, padding="longest", truncation=True, max_length=max_length, return_tensors="pt")
    batch["labels"] = torch.tensor([STATUS.index(s) for _, s in examples])
    return batch


tokenizer = build_tokenizer(inspection_notes)
vocabSize = tokenizer.vocab_size
print("vocab size:", vocabSize)

cfg = BertConfig(
    vocab_size=vocabSize,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    num_labels=len(STATUS),
)
model = BertForSequenceClassification(cfg)

train_dataloader = DataLoader(
    inspection_notes,
    batch_size=3,
    shuffle=True,
    collate_fn=partial(collate, tokenizer=tokenizer),
)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
lr_scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)  # from the docs

accelerator = Accelerator(cpu=True)
device = accelerator.device  # leftover from the docs, prepare() handles placement
model, optimizer, train_dataloader, lr_scheduler = accelerator.prepare(
    model, optimizer, train_dataloader, lr_scheduler
)

num_epochs = 2
for epoch in range(num_epochs):
    model.train()
    running = 0.0
    for step, batch in enumerate(train_dataloader):
        outputs = model(**batch)
        loss = outputs.loss
        accelerator.backward(loss)
        optimizer.step()
        lr_scheduler.step()
        optimizer.zero_grad()
        running += loss.item()
    accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

accelerator.wait_for_everyone()
unwrapped = accelerator.unwrap_model(model)
print("done, classifier head:", tuple(unwrapped.classifier.weight.shape))
