"""Paraphrase detection (question pairs) with transformers.Trainer and a small dataclass collator."""
import os
import tempfile
from dataclasses import dataclass

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from torch.nn.utils.rnn import pad_sequence
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer, Trainer, TrainingArguments

torch.manual_seed(0)
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "how", "do", "i", "reset", "my", "password", "can",
         "change", "what", "is", "the", "refund", "policy", "get", "money", "back", "where", "order"]

tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(VOCAB) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))

question_pairs = [("how do i reset my password", "can i change my password", 1),
                  ("what is the refund policy", "where is my order", 0),
                  ("can i get my money back", "what is the refund policy", 1),
                  ("where is my order", "how do i reset my password", 0)]
train_features = [dict(tokenizer(q1, q2, truncation=True, max_length=24), label=y) for q1, q2, y in question_pairs]


@dataclass
class PairCollator:
    tokenizer: BertTokenizer
    max_length: int = 24

    def __call__(self, features):
        ids = [torch.tensor(f["input_ids"]) for f in features]
        segments = [torch.tensor(f["token_type_ids"]) for f in features]
        input_ids = pad_sequence(ids, batch_first=True, padding_value=self.tokenizer.pad_token_id)
        token_type_ids = pad_sequence(segments, batch_first=True, padding_value=0)
        attention_mask = torch.zeros_like(input_ids)
        for row, seq in enumerate(ids):
            attention_mask[row, : len(seq)] = 1
        labels = torch.tensor([f["label"] for f in features])
        return {"input_ids": input_ids, "token_type_ids": token_type_ids, "attention_mask": attention_mask,
                "labels": labels}


model = BertForSequenceClassification(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                                 num_attention_heads=2, intermediate_size=37,
                                                 max_position_embeddings=32, num_labels=2))
args = TrainingArguments(output_dir=tmp, per_device_train_batch_size=2, num_train_epochs=1, report_to=[],
                         use_cpu=True, save_strategy="no", disable_tqdm=True, remove_unused_columns=False)
trainer = Trainer(model=model, args=args, train_dataset=train_features, data_collator=PairCollator(tokenizer))
trainer.train()
print("trained")
