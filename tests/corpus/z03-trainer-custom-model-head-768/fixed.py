"""Custom nn.Module around BertModel, trained with transformers.Trainer (intent detection)."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import (BertConfig, BertModel, BertTokenizer, DataCollatorWithPadding, Trainer,
                          TrainingArguments)

torch.manual_seed(0)
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "book", "a", "flight", "to", "paris", "play", "some",
         "jazz", "what", "is", "the", "weather", "today", "set", "an", "alarm", "for", "seven"]
INTENTS = ["book_flight", "play_music", "get_weather"]

tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(VOCAB) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))


class IntentModel(nn.Module):
    def __init__(self, encoder_config, num_intents, dropout=0.1):
        super().__init__()
        self.encoder = BertModel(encoder_config)
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(encoder_config.hidden_size, num_intents))

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, labels=None):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state
        logits = self.head(hidden[:, 0])
        loss = F.cross_entropy(logits, labels) if labels is not None else None
        return {"loss": loss, "logits": logits}


utterances = [("book a flight to paris", "book_flight"), ("play some jazz", "play_music"),
              ("what is the weather today", "get_weather"), ("play some jazz today", "play_music")]
train_set = [dict(tokenizer(text, truncation=True, max_length=16), labels=INTENTS.index(intent))
             for text, intent in utterances]

encoder_config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                            intermediate_size=37, max_position_embeddings=32)
model = IntentModel(encoder_config, num_intents=len(INTENTS))
args = TrainingArguments(output_dir=tmp, per_device_train_batch_size=2, num_train_epochs=1, report_to=[],
                         use_cpu=True, save_strategy="no", disable_tqdm=True)
trainer = Trainer(model=model, args=args, train_dataset=train_set, data_collator=DataCollatorWithPadding(tokenizer))
trainer.train()
print("trained")
