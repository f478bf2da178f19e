"""A small sentiment inference service: one model loaded at start-up, requests carry one or more texts."""
import json
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "great", "phone", "battery", "died", "after", "two", "days",
         "screen", "is", "bright", "and", "sharp", "bad"]


def export_model(folder):
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    config = BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=37, max_position_embeddings=64, num_labels=2,
                        id2label={0: "negative", 1: "positive"}, label2id={"negative": 0, "positive": 1})
    BertForSequenceClassification(config).save_pretrained(folder)


class SentimentService:
    def __init__(self, model_dir, max_length=64):
        self.tokenizer = BertTokenizer(os.path.join(model_dir, "vocab.txt"))
        self.model = BertForSequenceClassification.from_pretrained(model_dir).eval()
        self.max_length = max_length

    def _encode(self, texts):
        return self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt")

    def predict(self, texts):
        with torch.inference_mode():
            probs = self.model(**self._encode(texts)).logits.softmax(-1)
        return [{"label": self.model.config.id2label[int(p.argmax())], "score": round(float(p.max()), 3)}
                for p in probs]

    def handle(self, body: str) -> str:
        request = json.loads(body)
        texts = request["texts"] if isinstance(request["texts"], list) else [request["texts"]]
        return json.dumps({"predictions": self.predict(texts)})


model_dir = tempfile.mkdtemp()
export_model(model_dir)
service = SentimentService(model_dir)
print(service.handle('{"texts": "great phone"}'))
print(service.handle('{"texts": ["great phone", "battery died after two days", "screen is bright and sharp"]}'))
