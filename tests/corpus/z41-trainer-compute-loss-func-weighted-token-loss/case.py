"""Skill tagging in job ads: ELECTRA token classification with a class-weighted loss passed to Trainer.

Most word pieces are O, so the loss weights the rare SKILL / TOOL tags up; Trainer's compute_loss_func takes
the weighting function with the weights bound by functools.partial.
"""
import functools
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn.functional as F
from transformers import (BertTokenizer, DataCollatorForTokenClassification, ElectraConfig,
                          ElectraForTokenClassification, Trainer, TrainingArguments)

torch.manual_seed(0)

TAGS = ["O", "B-SKILL", "I-SKILL", "B-TOOL", "I-TOOL"]
tag2id = {t: i for i, t in enumerate(TAGS)}

ads = [
    ("we need strong python and docker experience".split(), ["O", "O", "O", "B-SKILL", "O", "B-TOOL", "O"]),
    ("knowledge of machine learning is a plus".split(), ["O", "O", "B-SKILL", "I-SKILL", "O", "O", "O"]),
    ("you will deploy services with kubernetes".split(), ["O", "O", "O", "O", "O", "B-TOOL"]),
    ("experience with data analysis and sql".split(), ["O", "O", "B-SKILL", "I-SKILL", "O", "B-SKILL"]),
    ("familiar with git and jira".split(), ["O", "O", "B-TOOL", "O", "B-TOOL"]),
    ("strong communication skills required".split(), ["O", "B-SKILL", "O", "O"]),
]

workdir = tempfile.mkdtemp(prefix="skills-")
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted({w for words, _ in ads for w in words}) + ["##s", "##ing"]
with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(vocab) + "\n")
tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))


def encode(words, tags):
    enc = tokenizer(words, is_split_into_words=True, truncation=True, max_length=32)
    previous, labels = None, []
    for word_id in enc.word_ids():
        if word_id is None or word_id == previous:
            labels.append(-100)
        else:
            labels.append(tag2id[tags[word_id]])
        previous = word_id
    enc["labels"] = labels
    return dict(enc)


train_set = [encode(w, t) for w, t in ads]

counts = torch.bincount(torch.tensor([l for ex in train_set for l in ex["labels"] if l != -100]),
                        minlength=len(TAGS)).float()
class_weights = (counts.sum() / (len(TAGS) * counts.clamp(min=1))).clamp(max=10.0)


def weighted_token_loss(outputs, labels, num_items_in_batch=None, weights=None):
    logits = outputs["logits"]
    return F.cross_entropy(logits, labels, weight=weights, ignore_index=-100)


config = ElectraConfig(vocab_size=len(tokenizer), embedding_size=32, hidden_size=32, num_hidden_layers=1,
                       num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                       num_labels=len(TAGS), id2label=dict(enumerate(TAGS)), label2id=tag2id)
model = ElectraForTokenClassification(config)

args = TrainingArguments(output_dir=os.path.join(workdir, "out"), per_device_train_batch_size=3, num_train_epochs=2,
                         learning_rate=5e-4, save_strategy="no", report_to="none", use_cpu=True, disable_tqdm=True,
                         logging_strategy="no")
trainer = Trainer(model=model, args=args, train_dataset=train_set,
                  data_collator=DataCollatorForTokenClassification(tokenizer),
                  compute_loss_func=functools.partial(weighted_token_loss, weights=class_weights))
trainer.train()
print("trained", trainer.state.global_step, "steps")
