"""Distil a 2-layer ingredient tagger into a 1-layer student for the recipe importer."""
import logging
import os
import random
import tempfile

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
log = logging.getLogger("recipe_distill")

TAGS = ["O", "QTY", "UNIT", "FOOD", "PREP"]
RECIPE_LINES = [
    ("2 cups flour", "QTY UNIT FOOD"),
    ("1 tbsp olive oil", "QTY UNIT FOOD FOOD"),
    ("3 cloves garlic finely minced", "QTY UNIT FOOD PREP PREP"),
    ("salt to taste", "FOOD O O"),
    ("500 g chicken thighs skin removed and diced", "QTY UNIT FOOD FOOD PREP PREP O PREP"),
    ("1 pinch nutmeg", "QTY UNIT FOOD"),
    ("200 ml whole milk warmed", "QTY UNIT FOOD FOOD PREP"),
    ("4 large eggs", "QTY O FOOD"),
    ("1 onion roughly chopped", "QTY FOOD PREP PREP"),
    ("2 tsp smoked paprika", "QTY UNIT PREP FOOD"),
    ("a handful of fresh basil leaves torn", "O UNIT O PREP FOOD FOOD PREP"),
    ("250 g butter softened", "QTY UNIT FOOD PREP"),
    ("1 lemon zested and juiced", "QTY FOOD PREP O PREP"),
    ("pepper", "FOOD"),
    ("100 g dark chocolate chopped into small pieces", "QTY UNIT FOOD FOOD PREP O O O"),
    ("3 tbsp honey", "QTY UNIT FOOD"),
]
SETTINGS = {"batch_size": 4, "temperature": 2.0, "alpha": 0.5, "lr": 3e-4, "seed": 13}
artifacts = {}


def write_vocab(lines):
    words = sorted({w for text, _ in lines for w in text.split()})
    folder = tempfile.mkdtemp(prefix="recipe_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def encode(tokenizer, text, tag_str):
    word_ids = tokenizer.convert_tokens_to_ids(text.split())
    tag_ids = [TAGS.index(t) for t in tag_str.split()]
    return {"ids": [tokenizer.cls_token_id] + word_ids + [tokenizer.sep_token_id],
            "tags": [-100] + tag_ids + [-100]}


def collate(examples, pad_id):
    width = max(len(ex["ids"]) for ex in examples)
    ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    tags = torch.full((len(examples), width), -100, dtype=torch.long)
    for row, ex in enumerate(examples):
        ids[row, : len(ex["ids"])] = torch.tensor(ex["ids"])
        tags[row, : len(ex["tags"])] = torch.tensor(ex["tags"])
    return {"input_ids": ids, "attention_mask": (ids != pad_id).long(), "labels": tags}


def tiny_bert(vocab_size, hidden, layers):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=layers,
                     num_attention_heads=2, intermediate_size=hidden * 2, max_position_embeddings=64,
                     num_labels=len(TAGS))
    return BertForTokenClassification(cfg)


def make_loader(encoded, pad_id):
    return DataLoader(encoded, batch_size=SETTINGS["batch_size"], shuffle=True,
                      collate_fn=lambda exs: collate(exs, pad_id))


def main():
    random.seed(SETTINGS["seed"])
    torch.manual_seed(SETTINGS["seed"])
    accelerator = Accelerator(cpu=True)
    tokenizer = BertTokenizer(write_vocab(RECIPE_LINES))
    encoded = [encode(tokenizer, text, tags) for text, tags in RECIPE_LINES]
    artifacts["data"] = {"n_lines": len(encoded), "vocab": tokenizer.vocab_size}
    log.info("encoded %d ingredient lines, vocab=%d", len(encoded), tokenizer.vocab_size)

    teacher = tiny_bert(tokenizer.vocab_size, hidden=48, layers=2)
    student = tiny_bert(tokenizer.vocab_size, hidden=32, layers=1)
    optimizer = torch.optim.AdamW(student.parameters(), lr=SETTINGS["lr"])
    teacher_loader = make_loader(encoded, tokenizer.pad_token_id)
    student_loader = make_loader(encoded, tokenizer.pad_token_id)
    teacher, student, optimizer, teacher_loader, student_loader = accelerator.prepare(
        teacher, student, optimizer, teacher_loader, student_loader)

    # soft targets once up front, the teacher is frozen anyway
    teacher.eval()
    with torch.no_grad():
        artifacts["teacher_targets"] = [teacher(input_ids=b["input_ids"],
                                                attention_mask=b["attention_mask"]).logits
                                        for b in teacher_loader]
    log.info("cached %d teacher batches", len(artifacts["teacher_targets"]))

    temp, alpha = SETTINGS["temperature"], SETTINGS["alpha"]
    student.train()
    artifacts["distill"] = []
    for step, batch in enumerate(student_loader):
        out = student(**batch)
        soft_teacher = F.softmax(artifacts["teacher_targets"][step] / temp, dim=-1)
        log_student = F.log_softmax(out.logits / temp, dim=-1)
        kd = F.kl_div(log_student, soft_teacher, reduction="batchmean") * temp ** 2
        loss = alpha * kd + (1 - alpha) * out.loss
        accelerator.backward(loss)
        optimizer.step()
        optimizer.zero_grad()
        artifacts["distill"].append({"step": step, "kd": kd.item(), "ce": out.loss.item()})
        log.info("step %d kd=%.4f ce=%.4f", step, kd.item(), out.loss.item())

    log.info("distillation done: %s", artifacts["distill"][-1])


if __name__ == "__main__":
    main()
